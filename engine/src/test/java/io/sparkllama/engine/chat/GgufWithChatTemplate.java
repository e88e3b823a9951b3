package io.sparkllama.engine.chat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A copy of a GGUF file with {@code tokenizer.chat_template} added to its metadata: the new entries
 * go right after the header, padded to a multiple of 64 bytes so that the tensor data keeps its
 * alignment and the tensor infos their offsets.
 */
final class GgufWithChatTemplate {
    private static final int STRING = 8;
    private static final int HEADER = 4 + 4 + 8 + 8;

    private GgufWithChatTemplate() {
    }

    static Path write(Path source, String template, Path dir) {
        try {
            byte[] in = Files.readAllBytes(source);
            byte[] entry = stringEntry("tokenizer.chat_template", template);
            int padKeyValue = 64 - (entry.length + stringEntry("spark_llama.test.padding", "").length) % 64;
            byte[] pad = stringEntry("spark_llama.test.padding", "x".repeat(padKeyValue % 64));
            ByteBuffer out = ByteBuffer.allocate(in.length + entry.length + pad.length).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer header = ByteBuffer.wrap(in, 0, HEADER).order(ByteOrder.LITTLE_ENDIAN);
            out.putInt(header.getInt()).putInt(header.getInt()).putLong(header.getLong()).putLong(header.getLong() + 2);
            out.put(entry).put(pad).put(in, HEADER, in.length - HEADER);
            if ((entry.length + pad.length) % 64 != 0) {
                throw new IllegalStateException("padding arithmetic");
            }
            Path file = dir.resolve(source.getFileName().toString().replace(".gguf", "-chat.gguf"));
            Files.write(file, out.array());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] stringEntry(String key, String value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + k.length + 4 + 8 + v.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(k.length).put(k).putInt(STRING).putLong(v.length).put(v).array();
    }
}
