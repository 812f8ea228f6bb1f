import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";

import { generateHybridIdentity, generateX25519Identity, identityToRecipient } from "age-encryption";

import { KrevealError } from "../../plugin/errors.js";
import { splitCommandLine } from "../../plugin/sops/keys/age-command.js";
import { defaultKeysFilePath, loadAgeIdentities, loadCommandIdentities } from "../../plugin/sops/keys/age-identities.js";
import { parseKeysFile } from "../../plugin/sops/keys/age-keys-file.js";
import { X25519Identity } from "../../plugin/sops/keys/age-x25519.js";
import { isolateKeys } from "../support/key-env.js";
import { fixture, tempDir } from "../support/paths.js";

const historyKeys = fixture("sops/_history/v3.7.3/age/keys.txt");
const extractedDir = fixture("sops/age/_extracted_from_keysource_test");
const extractedKeys = path.join(extractedDir, "keys.txt");
const mockRecipient = "age1lzd99uklcjnc0e7d860axevet2cz99ce9pq6tzuzd05l5nr28ams36nvun";

/** Returns the recipients from the `# public key: age1…` comments that age-keygen writes. */
function publicKeyComments(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(/^# public key: (age1\S+)$/gm)].map((match) => match[1]);
}

function identityLines(file: string): string[] {
  return readFileSync(file, "utf8").split("\n").filter((line) => line.startsWith("AGE-SECRET-KEY-"));
}

describe("age identity files", () => {
  it("loads every identity of the sops 3.7.3 keys.txt", async () => {
    const identities = await parseKeysFile(readFileSync(historyKeys), historyKeys);

    assert.equal(identities.x25519.length, 2);
    assert.equal(identities.hybrid.length, 0);
    assert.deepEqual(identities.x25519.map((identity) => identity.recipient), publicKeyComments(historyKeys));
  });

  it("loads the X25519 and post-quantum mock identities", async () => {
    const identities = await parseKeysFile(readFileSync(extractedKeys), extractedKeys);
    const lines = identityLines(extractedKeys);

    assert.equal(identities.x25519.length, 2);
    assert.equal(identities.hybrid.length, 1);
    assert.equal(identities.x25519[0]?.recipient, mockRecipient);

    const expected = await Promise.all(lines.map((line) => identityToRecipient(line)));
    const loaded = [...identities.x25519, ...identities.hybrid].map((identity) => identity.recipient);
    assert.deepEqual(loaded, expected);
    assert.ok(identities.hybrid[0]?.recipient.startsWith("age1pq1"));
  });

  it("derives recipients like age-encryption", async () => {
    for (let round = 0; round < 20; round++) {
      const secret = await generateX25519Identity();
      assert.equal(new X25519Identity(secret).recipient, await identityToRecipient(secret));
    }
  });

  it("reads several keys per line and skips comments", async () => {
    const [first = "", second = ""] = identityLines(historyKeys);
    const text = `# comment\n\n   ${first}\t ${second}  \r\n# another\n`;
    const identities = await parseKeysFile(Buffer.from(text), "SOPS_AGE_KEY");

    assert.deepEqual(identities.x25519.map((identity) => identity.recipient), publicKeyComments(historyKeys));
  });

  it("skips plugin identities", async () => {
    const [first = ""] = identityLines(historyKeys);
    const text = `AGE-PLUGIN-YUBIKEY-1QQQQQQQQQQQQQQQQQQQQQQQQ\n${first}\n`;
    const identities = await parseKeysFile(Buffer.from(text), "SOPS_AGE_KEY");

    assert.equal(identities.x25519.length, 1);
  });

  it("rejects a non-identity line", async () => {
    const secretLooking = "not-a-key-but-maybe-secret";
    await assert.rejects(parseKeysFile(Buffer.from(`# ok\n${secretLooking}\n`), "SOPS_AGE_KEY"), (error: unknown) => {
      assert.ok(error instanceof KrevealError);
      assert.equal(error.code, "KEY_SOURCE_FAILED");
      assert.equal(error.location, "SOPS_AGE_KEY");
      assert.match(error.message, /line 2/);
      assert.ok(!error.describe().includes(secretLooking));
      return true;
    });
  });

  it("rejects a bad identity checksum", async () => {
    const [first = ""] = identityLines(historyKeys);
    const damaged = `${first.slice(0, -1)}${first.endsWith("Q") ? "P" : "Q"}`;
    await assert.rejects(parseKeysFile(Buffer.from(damaged), "keys.txt"), (error: unknown) => {
      assert.ok(error instanceof KrevealError);
      assert.match(error.message, /malformed AGE-SECRET-KEY-1/);
      assert.ok(!error.describe().includes(damaged));
      return true;
    });
  });
});

describe("passphrase-protected age identity file", () => {
  const encryptedFile = path.join(extractedDir, "mock_encrypted_identity.age.asc");
  const passphrase = readFileSync(path.join(extractedDir, "mock_encrypted_identity.passphrase"), "utf8");

  it("opens with KREVEAL_AGE_KEY_PASSPHRASE", async () => {
    isolateKeys({ SOPS_AGE_KEY_FILE: encryptedFile, KREVEAL_AGE_KEY_PASSPHRASE: passphrase });
    const identities = await loadAgeIdentities();

    assert.deepEqual(identities.x25519.map((identity) => identity.recipient), [mockRecipient]);
  });

  it("fails clearly without a passphrase", async () => {
    isolateKeys({ SOPS_AGE_KEY_FILE: encryptedFile });
    await assert.rejects(loadAgeIdentities(), (error: unknown) => {
      assert.ok(error instanceof KrevealError);
      assert.equal(error.code, "KEY_SOURCE_FAILED");
      assert.equal(error.location, encryptedFile);
      assert.match(error.message, /encrypted with a passphrase/);
      assert.match(error.fix ?? "", /KREVEAL_AGE_KEY_PASSPHRASE/);
      return true;
    });
  });

  it("fails clearly with a wrong passphrase", async () => {
    isolateKeys({ SOPS_AGE_KEY_FILE: encryptedFile, KREVEAL_AGE_KEY_PASSPHRASE: "wrong" });
    await assert.rejects(loadAgeIdentities(), /cannot decrypt the passphrase-protected age keys file/);
  });
});

describe("age identity sources", () => {
  it("pools all identity sources", async () => {
    const [mockIdentity = "", otherIdentity = ""] = identityLines(extractedKeys);
    const home = isolateKeys({ SOPS_AGE_KEY: otherIdentity, SOPS_AGE_KEY_FILE: historyKeys });
    const defaultDir = path.join(home, ".config", "sops", "age");
    mkdirSync(defaultDir, { recursive: true });
    writeFileSync(path.join(defaultDir, "keys.txt"), `${mockIdentity}\n`);

    const identities = await loadAgeIdentities();
    const recipients = identities.x25519.map((identity) => identity.recipient);

    assert.equal(recipients.length, 4);
    assert.equal(recipients[0], new X25519Identity(otherIdentity).recipient);
    assert.deepEqual(recipients.slice(1, 3), publicKeyComments(historyKeys));
    assert.equal(recipients[3], mockRecipient);
  });

  it("ignores a missing default keys.txt", async () => {
    isolateKeys();
    const identities = await loadAgeIdentities();

    assert.equal(identities.x25519.length + identities.hybrid.length, 0);
  });

  it("rejects a missing SOPS_AGE_KEY_FILE", async () => {
    const missing = path.join(tempDir(), "absent.txt");
    isolateKeys({ SOPS_AGE_KEY_FILE: missing });

    await assert.rejects(loadAgeIdentities(), (error: unknown) => error instanceof KrevealError && error.location === missing && /ENOENT/.test(error.message));
  });

  it("loads a post-quantum identity from SOPS_AGE_KEY", async () => {
    const secret = await generateHybridIdentity();
    isolateKeys({ SOPS_AGE_KEY: secret });
    const identities = await loadAgeIdentities();

    assert.equal(identities.hybrid.length, 1);
    assert.equal(identities.hybrid[0]?.recipient, await identityToRecipient(secret));
  });
});

describe("default keys.txt location", () => {
  it("uses XDG_CONFIG_HOME on Linux", () => {
    assert.equal(defaultKeysFilePath("linux", { XDG_CONFIG_HOME: "/xdg" }, "/home/u"), "/xdg/sops/age/keys.txt");
  });

  it("falls back to ~/.config on Linux", () => {
    assert.equal(defaultKeysFilePath("linux", {}, "/home/u"), "/home/u/.config/sops/age/keys.txt");
  });

  it("has none for a relative XDG_CONFIG_HOME", () => {
    assert.equal(defaultKeysFilePath("linux", { XDG_CONFIG_HOME: "relative" }, "/home/u"), undefined);
  });

  it("uses Application Support on macOS", () => {
    assert.equal(defaultKeysFilePath("darwin", {}, "/Users/u"), "/Users/u/Library/Application Support/sops/age/keys.txt");
    assert.equal(defaultKeysFilePath("darwin", { XDG_CONFIG_HOME: "/xdg" }, "/Users/u"), "/xdg/sops/age/keys.txt");
  });

  it("uses AppData on Windows", () => {
    assert.equal(defaultKeysFilePath("win32", { APPDATA: "C:\\Users\\u\\AppData\\Roaming" }, "C:\\Users\\u"), "C:\\Users\\u\\AppData\\Roaming\\sops\\age\\keys.txt");
  });
});

describe("SOPS_AGE_KEY_CMD", () => {
  /** Writes a Node script that prints `output` when SOPS_AGE_RECIPIENT is `recipient`, else fails. */
  function keyCommand(output: string, recipient: string): string {
    const dir = tempDir();
    const script = path.join(dir, "print-keys.mjs");
    writeFileSync(
      script,
      [
        `if (process.env.SOPS_AGE_RECIPIENT !== ${JSON.stringify(recipient)}) {`,
        `  process.stdout.write(${JSON.stringify(output)});`,
        `  process.stderr.write(${JSON.stringify(output)});`,
        "  process.exit(3);",
        "}",
        `process.stdout.write(${JSON.stringify(output)});`,
      ].join("\n"),
    );
    return `"${process.execPath}" '${script}'`;
  }

  it("runs the command with SOPS_AGE_RECIPIENT set", async () => {
    const [mockIdentity = ""] = identityLines(extractedKeys);
    isolateKeys({ SOPS_AGE_KEY_CMD: keyCommand(`# from a command\n${mockIdentity}\n`, mockRecipient) });

    const identities = await loadCommandIdentities(mockRecipient);
    assert.deepEqual(identities?.x25519.map((identity) => identity.recipient), [mockRecipient]);
  });

  it("reports a failing command without its output", async () => {
    const [mockIdentity = ""] = identityLines(extractedKeys);
    isolateKeys({ SOPS_AGE_KEY_CMD: keyCommand(mockIdentity, "age1someoneelse") });

    await assert.rejects(loadCommandIdentities(mockRecipient) ?? Promise.resolve(), (error: unknown) => {
      assert.ok(error instanceof KrevealError);
      assert.match(error.message, /SOPS_AGE_KEY_CMD/);
      assert.match(error.message, /status 3/);
      assert.ok(!error.describe().includes(mockIdentity));
      return true;
    });
  });

  it("reports a program that does not exist", async () => {
    isolateKeys({ SOPS_AGE_KEY_CMD: "kreveal-no-such-program --flag" });
    await assert.rejects(loadCommandIdentities(mockRecipient) ?? Promise.resolve(), /SOPS_AGE_KEY_CMD command could not start "kreveal-no-such-program" \(ENOENT\)/);
  });

  it("is not used when unset", () => {
    isolateKeys();
    assert.equal(loadCommandIdentities(mockRecipient), undefined);
  });
});

describe("splitCommandLine", () => {
  const cases: [string, string[] | undefined][] = [
    ["pass show age/key", ["pass", "show", "age/key"]],
    ["  spaced   words  ", ["spaced", "words"]],
    [`sh -c 'cat "$HOME/keys.txt" | head -1'`, ["sh", "-c", 'cat "$HOME/keys.txt" | head -1']],
    [`echo "a \\"quoted\\" word" x`, ["echo", 'a "quoted" word', "x"]],
    [`one\\ word two`, ["one word", "two"]],
    [`mixed'single'"double"`, ["mixedsingledouble"]],
    [`'' ""`, ["", ""]],
    [`cmd # trailing comment`, ["cmd"]],
    [`a#b`, ["a#b"]],
    [`unterminated 'quote`, undefined],
    [`unterminated "quote`, undefined],
    [`trailing\\`, undefined],
  ];

  for (const [line, expected] of cases) {
    it(`splits ${JSON.stringify(line)}`, () => {
      assert.deepEqual(splitCommandLine(line), expected);
    });
  }
});
