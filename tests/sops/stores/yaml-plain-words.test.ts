import assert from "node:assert/strict";
import { test } from "node:test";

import { needsQuotes, needsQuotesByRules } from "../../../plugin/formats/yaml-scalars.js";

/** Deterministic pseudo-random numbers (a linear congruential generator), so that a failure repeats. */
function randomNumbers(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Strings over the characters of plain words and their neighbours in YAML's grammar. */
function* candidateStrings(): Generator<string> {
  const words = ["y", "yes", "n", "no", "true", "false", "on", "off", "null", "nan", "inf", "e", "x", "o", "b"];
  for (const word of words) {
    // Every upper and lower case spelling of each word.
    for (let mask = 0; mask < 2 ** word.length; mask++) {
      let spelling = "";
      for (let index = 0; index < word.length; index++) {
        const char = word.charAt(index);
        spelling += (mask >> index) & 1 ? char.toUpperCase() : char;
      }
      yield spelling;
    }
  }

  const alphabet = "aAeEnNoOsStTyYxXzZ019._/=-+:#~ \t!&*@%`'\"[]{}|>?,\u00e9";
  const random = randomNumbers(20_261_204);
  for (let count = 0; count < 20_000; count++) {
    const length = 1 + Math.floor(random() * 8);
    let text = "";
    for (let index = 0; index < length; index++) {
      text += alphabet.charAt(Math.floor(random() * alphabet.length));
    }
    yield text;
  }
}

test("needsQuotes: plain-word shortcut agrees with rules", () => {
  let plainWords = 0;
  for (const text of candidateStrings()) {
    const expected = needsQuotesByRules(text);
    assert.equal(needsQuotes(text), expected, JSON.stringify(text));
    if (!expected && /^[A-Za-z][A-Za-z0-9._/=-]*$/.test(text)) {
      plainWords += 1;
    }
  }
  // The shortcut's own strings must be among the candidates, or the comparison proves little.
  assert.ok(plainWords > 1000, `only ${plainWords} plain words were generated`);
});

test("needsQuotes: usual Kubernetes words stay plain", () => {
  for (const text of ["apiVersion", "v1", "Secret", "kreveal.dev/v1alpha1", "kustomize.config.k8s.io/needs-hash", "LOG_LEVEL=info", "aW5mbw=="]) {
    assert.equal(needsQuotes(text), false, text);
  }
  for (const text of ["Yes", "oFF", "NULL", "y"]) {
    assert.equal(needsQuotes(text), true, text);
  }
});
