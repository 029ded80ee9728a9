import { describe, expect, it } from "vitest";
import { parseHolidays } from "../../worker/console/src/logic/holiday-import";

describe("the holiday import", () => {
  it("reads a CSV with a header row, in any order of lines, dates written loosely", async () => {
    const result = await parseHolidays("date,name\n2027/5/1,Labour Day\n2027-01-01,\"New Year's Day\"\n");
    expect(result).toEqual({
      items: [
        { date: "2027-01-01", name: "New Year's Day" },
        { date: "2027-05-01", name: "Labour Day" },
      ],
      problems: [],
      years: ["2027"],
    });
  });

  it("reads a CSV without a header, and the API's JSON shapes", async () => {
    expect((await parseHolidays("2026-10-01,国庆节\n2027-01-01,元旦")).years).toEqual(["2026", "2027"]);
    expect((await parseHolidays('[{"date":"2027-12-25","name":"Christmas"}]')).items).toEqual([{ date: "2027-12-25", name: "Christmas" }]);
    expect((await parseHolidays('{"items":[{"date":"2027-12-26","name":"Boxing Day"}]}')).items).toHaveLength(1);
  });

  it("lists the lines the API would refuse, by line", async () => {
    const result = await parseHolidays("date,name\n2027-02-30,Nope\n2027-03-01,\n2027-04-01,A\n2027-04-01,B\n");
    expect(result.problems.map((p) => [p.line, p.message])).toEqual([
      [2, "holidayBadDate"],
      [3, "holidayBadName"],
      [5, "holidayTwice"],
    ]);
    expect(result.items).toEqual([{ date: "2027-04-01", name: "A" }]);
    expect((await parseHolidays("[oops")).problems[0]!.message).toBe("holidayBadJson");
  });
});
