package io.sparkllama.engine.fuzz;

import io.sparkllama.engine.error.SparkLlamaException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongFunction;

/**
 * One format under fuzzing: a model directory whose other files stay as they are, the file that
 * each mutant replaces, and the exceptions a refusal of that file may use.
 *
 * @param fixture    a directory holding every file of the model but the mutated one
 * @param mutated    the name, inside the model directory, of the file each mutant replaces
 * @param original   that file's real bytes, which must load and score (so refusals are the mutations' doing)
 * @param mutants    seed to mutant bytes
 * @param model      the model path to open, relative to a mutant's directory
 * @param tokenizer  the tokenizer to open: relative to a mutant's directory, absolute, or null for the model's own
 * @param refusals   the exception types a refusal must be (subclasses included)
 */
record FuzzTarget(String name, Path fixture, String mutated, byte[] original, LongFunction<byte[]> mutants, String model, Path tokenizer,
                  List<Class<? extends SparkLlamaException>> refusals) {
}
