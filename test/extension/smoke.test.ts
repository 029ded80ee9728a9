import { fakeBrowser } from "wxt/testing/fake-browser";
import { beforeEach, expect, it } from "vitest";
import { serverUrlItem as serverUrl } from "../../extension/utils/storage";

beforeEach(() => fakeBrowser.reset());

it("the server URL defaults to the local Worker and persists", async () => {
  expect(await serverUrl.getValue()).toBe("http://localhost:8787");
  await serverUrl.setValue("https://clock.example.com");
  expect(await serverUrl.getValue()).toBe("https://clock.example.com");
});
