import { type Command, EXIT_OK, out, parseCommandArgs, runCommand, UsageError } from "./command.ts";
import { parseListen } from "./listen.ts";

const DEFAULT_LISTEN = "127.0.0.1:8787";

const help = `Usage: waygate mock-providers [options]

Runs the provider simulator: fake OpenAI, Azure OpenAI, Anthropic, Gemini,
Mistral, Bedrock and Cohere endpoints that answer deterministically, for
trying the AI gateway and for tests. Any API key works except keys that
contain "invalid". Put a marker in a user message to make a provider fail:
  [[mock:status=500]]  [[mock:status=429,retry_after=2]]  [[mock:timeout]]
  [[mock:reset]]  [[mock:midstream=3]]  [[mock:latency=500,per_event=50]]
  [[mock:context_length]]  [[mock:content_filter]]
Add ,provider=<name> to a marker to fail only that provider.

Options:
  --listen HOST:PORT   Address to listen on (default ${DEFAULT_LISTEN})
  -h, --help           Show this help
`;

/** What to append to a provider's mount point to get the base URL its API paths hang from. */
const BASE_SUFFIX: Record<string, string> = { openai: "/v1", mistral: "/v1" };

export const mockProviders: Command = {
  name: "mock-providers",
  summary: "Run the LLM provider simulator",
  help,
  run: (argv) =>
    runCommand(mockProviders, argv, async () => {
      const { values } = parseCommandArgs(argv, { listen: { type: "string" } }, { min: 0, max: 0 });
      if (values.help) return out(help), EXIT_OK;
      let listen: { hostname: string; port: number };
      try {
        listen = parseListen(values.listen ?? DEFAULT_LISTEN, "--listen");
      } catch (e) {
        throw new UsageError(e instanceof Error ? e.message : String(e));
      }
      // Loaded here so other commands do not pay for the simulator.
      const { startMockProviders } = await import("../mock/server.ts");
      const mock = startMockProviders(listen);
      out(`Provider simulator listening on ${mock.url}`);
      for (const h of mock.handlers) out(`  ${h.name.padEnd(10)} ${mock.url}${h.prefix}${BASE_SUFFIX[h.name] ?? ""}`);
      await untilSignal();
      await mock.stop();
      return EXIT_OK;
    }),
};

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
}
