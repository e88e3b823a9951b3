/**
 * The safetensors container: its JSON header checked against the file (offsets inside it, not
 * overlapping, shape times dtype equal to each span) and its tensors mapped in place.
 */
package io.sparkllama.engine.format.safetensors;
