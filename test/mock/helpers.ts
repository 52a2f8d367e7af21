import { afterAll } from "bun:test";
import { type MockProvidersServer, startMockProviders } from "../../src/mock/server.ts";

/** One simulator per test file, on a free port, stopped after the file. */
export function useMockProviders(): MockProvidersServer {
  const mock = startMockProviders({ hostname: "127.0.0.1", port: 0 });
  afterAll(() => mock.stop());
  return mock;
}

export const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } }, required: ["city", "unit"] },
  },
};

export const timeTool = {
  type: "function" as const,
  function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } }, required: ["zone"] } },
};
