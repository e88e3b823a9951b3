package io.sparkllama.engine.fuzz;

/** What became of one mutant. */
enum MutantOutcome {
    /** Loaded and scored the text with finite logprobs (or refused the text itself, as a request). */
    SERVED,
    /** Refused with the format's exception, naming the file. */
    REFUSED,
    /** Refused with a SparkLlamaException of another type, or one not naming the file. */
    WRONG_REFUSAL,
    /** Any other throwable: an index, arithmetic, out-of-memory or state error. */
    CRASH,
    /** Loaded and scored, but a logprob is NaN or infinite. */
    NON_FINITE,
    /** Neither loaded nor refused within the time limit. */
    HANG
}
