import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../shared/settings";
import { SERVER_DEFAULTS } from "../../extension/utils/server-defaults";

describe("the server's defaults as the extension knows them", () => {
  it("are the server's own (copied so that zod stays out of the popup)", () => {
    expect(SERVER_DEFAULTS).toEqual({ locationPrecision: DEFAULT_SETTINGS.locationPrecision, corrections: DEFAULT_SETTINGS.corrections });
  });
});
