import { describe, expect, it } from "vitest";
import { setupLink } from "./setup";

describe("setupLink", () => {
  it("is a whole URL: the base URL when set, else localhost on the server's port", () => {
    expect(setupLink("abc_-1", "https://data.example.com/assetbook", {})).toBe("https://data.example.com/assetbook/setup?token=abc_-1");
    expect(setupLink("abc", "http://127.0.0.1:3100", { PORT: "9999" })).toBe("http://127.0.0.1:3100/setup?token=abc");
    expect(setupLink("abc", null, { PORT: "3100" })).toBe("http://localhost:3100/setup?token=abc");
    expect(setupLink("abc", null, {})).toBe("http://localhost:3000/setup?token=abc");
    expect(setupLink("abc", null, { PORT: "not a port" })).toBe("http://localhost:3000/setup?token=abc");
  });
});
