/**
 * Structured output: decoding constrained so that every completion is one of a list of labels or
 * JSON text conforming to a JSON Schema subset. A schema compiles to a grammar tree
 * ({@link io.sparkllama.engine.structured.GrammarNode}) matched byte by byte by a persistent
 * pushdown state ({@link io.sparkllama.engine.structured.MatchState}); each step's token mask
 * comes from walking that state over a trie of the vocabulary's decoded bytes
 * ({@link io.sparkllama.engine.structured.TokenTrie}, {@link io.sparkllama.engine.structured.TokenMask}),
 * and tokens that would leave too few tokens to close the value are masked too, so a completion
 * always ends complete within {@code max_tokens}. Masks of states seen before come from a
 * bytes-bounded cache ({@link io.sparkllama.engine.structured.MaskCache}).
 */
package io.sparkllama.engine.structured;
