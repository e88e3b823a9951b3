package io.sparkllama.udfs.tokencache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The identity of a tokenized input: sha256 over everything that decides which ids each row of
 * each partition gets. Any change in the input files' content, the text column, the tokenizer, the BOS
 * flag or the partition layout gives another key, so stale tokens are never read.
 */
public final class TokenCacheKey {
    private TokenCacheKey() {
    }

    /**
     * One input file as the driver lists it.
     *
     * @param sha256 the file's content digest, streamed once by the driver: an edit that keeps size and
     *               modification time (cp -p, rsync -a, tar) still changes the key
     */
    public record InputFile(String path, long size, String sha256) {
    }

    /**
     * @param inputUri    the input as given
     * @param files       the input's files, in any order (they are sorted)
     * @param textColumn  the tokenized column
     * @param tokenizer   the tokenizer's identity: its file's sha256, or the model files' digests when the model carries it
     * @param addBos      whether BOS is prepended
     * @param layout      how rows land in partitions (partition count, balancing, input format): the cache is per partition
     */
    public static String of(String inputUri, List<InputFile> files, String textColumn, String tokenizer, boolean addBos, String layout) {
        StringBuilder b = new StringBuilder("spark-llama token cache v2\n");
        b.append("input=").append(inputUri).append('\n');
        files.stream().sorted(java.util.Comparator.comparing(InputFile::path))
                .forEach(f -> b.append("file=").append(f.path()).append('|').append(f.size()).append('|').append(f.sha256()).append('\n'));
        b.append("text_column=").append(textColumn).append('\n');
        b.append("tokenizer=").append(tokenizer).append('\n');
        b.append("bos=").append(addBos).append('\n');
        b.append("layout=").append(layout).append('\n');
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }
}
