/**
 * Chat templates: a conversation of {@link io.sparkllama.engine.generate.ChatMessage}s turned into
 * the prompt ids a Llama 2 or Llama 3 chat model was trained on, ending where the assistant
 * speaks next.
 */
package io.sparkllama.engine.chat;
