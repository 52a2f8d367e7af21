/**
 * The subset of Bedrock's Converse / ConverseStream JSON wire format Waygate
 * sends (see @aws-sdk/client-bedrock-runtime's ContentBlock, Message,
 * ToolConfiguration). Images travel as base64 text in `source.bytes`.
 */

export type BedrockImageFormat = "png" | "jpeg" | "gif" | "webp";

export type BedrockTextBlock = { text: string };
export type BedrockImageBlock = { image: { format: BedrockImageFormat; source: { bytes: string } } };
export type BedrockToolUseBlock = { toolUse: { toolUseId: string; name: string; input: unknown } };
export type BedrockToolResultBlock = {
  toolResult: { toolUseId: string; content: Array<BedrockTextBlock | BedrockImageBlock>; status?: "success" | "error" };
};

export type BedrockContentBlock = BedrockTextBlock | BedrockImageBlock | BedrockToolUseBlock | BedrockToolResultBlock;

export interface BedrockMessage {
  role: "user" | "assistant";
  content: BedrockContentBlock[];
}

export interface BedrockToolSpec {
  toolSpec: { name: string; description?: string; inputSchema: { json: Record<string, unknown> } };
}

export type BedrockToolChoice = { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };

export interface BedrockToolConfig {
  tools: BedrockToolSpec[];
  toolChoice?: BedrockToolChoice;
}
