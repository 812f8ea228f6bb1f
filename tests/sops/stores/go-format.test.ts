import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatFloatF, formatFloatG, formatFloatJSON, formatFloatValToString, formatTimeRFC3339, formatTimeRFC3339Nano, parseRFC3339, parseYamlTimestamp } from "../../../plugin/formats/go-format.js";

// Expected texts are the output of Go 1.19 strconv.FormatFloat and json.Marshal for each input.
const FLOATS: [number, string, string, string][] = [
  // input, 'f' -1, 'g' -1, encoding/json
  [1234568000, "1234568000", "1.234568e+09", "1234568000"],
  [25.4, "25.4", "25.4", "25.4"],
  [2, "2", "2", "2"],
  [1e21, "1000000000000000000000", "1e+21", "1e+21"],
  [0.0000001, "0.0000001", "1e-07", "1e-7"],
  [0.1, "0.1", "0.1", "0.1"],
  [100000, "100000", "100000", "100000"],
  [1000000, "1000000", "1e+06", "1000000"],
  [123456789, "123456789", "1.23456789e+08", "123456789"],
  [-0.5, "-0.5", "-0.5", "-0.5"],
  [1e-5, "0.00001", "1e-05", "0.00001"],
  [0.0001, "0.0001", "0.0001", "0.0001"],
  [123456.7, "123456.7", "123456.7", "123456.7"],
  [1e20, "100000000000000000000", "1e+20", "100000000000000000000"],
  [1.7976931348623157e308, `179769313486231570${"0".repeat(291)}`, "1.7976931348623157e+308", "1.7976931348623157e+308"],
  [5e-324, `0.${"0".repeat(323)}5`, "5e-324", "5e-324"],
];

describe("Go float formatting", () => {
  for (const [input, fixed, general, json] of FLOATS) {
    it(`formats ${general}`, () => {
      assert.equal(formatFloatF(input), fixed);
      assert.equal(formatFloatG(input), general);
      assert.equal(formatFloatJSON(input), json);
    });
  }

  it("writes special values as strconv does", () => {
    assert.equal(formatFloatG(Infinity), "+Inf");
    assert.equal(formatFloatG(-Infinity), "-Inf");
    assert.equal(formatFloatG(Number.NaN), "NaN");
    assert.equal(formatFloatF(-0), "-0");
    assert.equal(formatFloatJSON(Number.NaN), undefined);
  });

  it("ValToString keeps one decimal", () => {
    assert.equal(formatFloatValToString(2), "2.0");
    assert.equal(formatFloatValToString(25.4), "25.4");
    assert.equal(formatFloatValToString(1234568000), "1.234568E+09");
  });
});

describe("Go time parsing and formatting", () => {
  it("reads yaml.v3 timestamp layouts", () => {
    const cases: [string, string][] = [
      ["2024-01-01", "2024-01-01T00:00:00Z"],
      ["2024-1-2", "2024-01-02T00:00:00Z"],
      ["2006-1-2 15:4:5", "2006-01-02T15:04:05Z"],
      ["2001-12-14t21:59:43.10-05:00", "2001-12-14T21:59:43.1-05:00"],
      ["2024-01-01T00:00:00+00:00", "2024-01-01T00:00:00Z"],
      ["2024-01-01T10:20:30.5Z", "2024-01-01T10:20:30.5Z"],
    ];
    for (const [text, expected] of cases) {
      const time = parseYamlTimestamp(text);
      assert.ok(time, text);
      assert.equal(formatTimeRFC3339Nano(time), expected);
    }
  });

  it("rejects invalid timestamps", () => {
    for (const text of ["2024-02-30", "2024-13-01", "2024-01-01T25:00:00Z", "2024-01-01T10:20:30.123456789123Z", "24-01-01", "2024-01-01 10:00:00Z"]) {
      assert.equal(parseYamlTimestamp(text), undefined, text);
    }
  });

  it("formats RFC 3339 without the fraction", () => {
    const time = parseRFC3339("2024-01-01T10:20:30.25+02:00");
    assert.ok(time);
    assert.equal(formatTimeRFC3339(time), "2024-01-01T10:20:30+02:00");
    assert.equal(formatTimeRFC3339Nano(time), "2024-01-01T10:20:30.25+02:00");
  });
});
