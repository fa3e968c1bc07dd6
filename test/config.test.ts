import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("config", () => {
  it("starts with no variables at all (embedded defaults)", () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(3000);
    expect(c.dataDir).toBe("./data");
    expect(c.database.url).toBeUndefined();
    expect(c.redis.url).toBeUndefined();
    expect(Object.isFrozen(c)).toBe(true);
  });

  it("names a bad PORT and what it got", () => {
    for (const PORT of ["abc", "70000", "-1", "3.5"]) {
      const e = configError({ PORT });
      expect(e.issues).toHaveLength(1);
      expect(e.issues[0]).toMatch(/^PORT: /);
      expect(e.message).toContain(`"${PORT}"`);
    }
  });

  it("requires LLM_MODEL when LLM_BASE_URL is set", () => {
    const e = configError({ LLM_BASE_URL: "http://localhost:11434/v1" });
    expect(e.issues).toEqual(["LLM_MODEL: is required when LLM_BASE_URL is set"]);
    expect(loadConfig({ LLM_BASE_URL: "http://localhost:11434/v1", LLM_MODEL: "llama3" }).llm.model).toBe(
      "llama3",
    );
  });

  it("refuses a wildcard or a malformed widget origin, and accepts a list of origins", () => {
    expect(configError({ WIDGET_ORIGINS: "*" }).issues[0]).toMatch(/^WIDGET_ORIGINS: "\*" is not an origin/);
    expect(configError({ WIDGET_ORIGINS: "https://a.example, example.com" }).issues[0]).toMatch(
      /"example.com"/,
    );
    expect(loadConfig({ WIDGET_ORIGINS: "https://a.example/, http://localhost:8080" }).widgetOrigins).toEqual(
      ["https://a.example", "http://localhost:8080"],
    );
  });

  it("names a malformed URL and never echoes a secret", () => {
    expect(configError({ DATABASE_URL: "not a url" }).issues[0]).toMatch(/^DATABASE_URL: must be a URL/);
    const e = configError({ ADMIN_TOKEN: "short-secret" });
    expect(e.issues[0]).toMatch(/^ADMIN_TOKEN: /);
    expect(e.message).not.toContain("short-secret");
  });

  it("ignores variables it does not use, such as a hosting platform's NODE_ENV", () => {
    expect(loadConfig({ NODE_ENV: "staging", PORT: "8080" }).http.port).toBe(8080);
  });

  it("treats empty values as unset", () => {
    const c = loadConfig({ ADMIN_PASSWORD: "", DATABASE_URL: " ", MENU_SOURCE: "" });
    expect(c.admin.password).toBeUndefined();
    expect(c.database.url).toBeUndefined();
    expect(c.menuSource).toBeUndefined();
  });
});
