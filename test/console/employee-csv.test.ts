import fc from "fast-check";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { guessMapping, missingRequired, parseCsv, rowsFrom } from "../../worker/console/src/logic/employee-csv";

describe("the employee CSV import: columns", () => {
  it.each([
    [["name", "email", "role", "managerEmail", "scheduleName", "timezone"], { name: 0, email: 1, role: 2, managerEmail: 3, scheduleName: 4, timezone: 5 }],
    [["Email Address", "Full Name", "Time Zone", "Manager", "Shift"], { name: 1, email: 0, role: null, managerEmail: 3, scheduleName: 4, timezone: 2 }],
    [["姓名", "邮箱", "角色", "经理邮箱", "排班", "时区"], { name: 0, email: 1, role: 2, managerEmail: 3, scheduleName: 4, timezone: 5 }],
    [["manager_email", "E-mail", "name", "notes"], { name: 2, email: 1, role: null, managerEmail: 0, scheduleName: null, timezone: null }],
  ])("maps the headers %j", (headers, mapping) => {
    expect(guessMapping(headers)).toEqual(mapping);
  });

  it("says which required columns are missing", () => {
    expect(missingRequired(guessMapping(["Name", "Department"]))).toEqual(["email"]);
    expect(missingRequired(guessMapping(["name", "email"]))).toEqual([]);
  });
});

describe("the employee CSV import: rows", () => {
  it("reads quotes, commas and line breaks inside cells, a byte-order mark, CRLF and blank lines", async () => {
    const csv = '\uFEFFname,email,role,managerEmail\r\n"Lin, Mei",mei@example.com,Employee,max@example.com\r\n\r\n"Zhang ""Tiger"" Wei",  wei@example.com ,,\r\n';
    const parsed = await parseCsv(csv);
    expect(parsed.headers).toEqual(["name", "email", "role", "managerEmail"]);
    expect(parsed.errors).toEqual([]);
    expect(rowsFrom(parsed.records, guessMapping(parsed.headers))).toEqual([
      // The role as the API spells it; empty optional cells left out so the server applies its defaults.
      { name: "Lin, Mei", email: "mei@example.com", role: "employee", managerEmail: "max@example.com" },
      { name: 'Zhang "Tiger" Wei', email: "wei@example.com" },
    ]);
  });

  it("reads a sheet pasted from a spreadsheet (tabs)", async () => {
    const parsed = await parseCsv("Name\tEmail\tTime zone\nAda\tada@example.com\tEurope/Berlin\n");
    expect(rowsFrom(parsed.records, guessMapping(parsed.headers))).toEqual([{ name: "Ada", email: "ada@example.com", timezone: "Europe/Berlin" }]);
  });

  it("follows a mapping the admin changed, and leaves unmapped fields out", () => {
    const rows = rowsFrom([["x@example.com", "X", "admin"]], { name: 1, email: 0, role: null, managerEmail: null, scheduleName: null, timezone: null });
    expect(rows).toEqual([{ name: "X", email: "x@example.com" }]);
  });

  it("gives back every row a CSV writer wrote, whatever the cells hold", async () => {
    const cell = fc.string({ maxLength: 20 }).map((s) => s.trim());
    const row = fc.record({ name: cell.filter((s) => s.length > 0), email: cell.filter((s) => s.length > 0), timezone: cell });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 8 }), async (rows) => {
        const csv = Papa.unparse({ fields: ["name", "email", "timezone"], data: rows.map((r) => [r.name, r.email, r.timezone]) });
        const parsed = await parseCsv(csv);
        const back = rowsFrom(parsed.records, guessMapping(parsed.headers));
        expect(back).toEqual(rows.map((r) => ({ name: r.name, email: r.email, ...(r.timezone ? { timezone: r.timezone } : {}) })));
      }),
      { numRuns: 60 },
    );
  });
});
