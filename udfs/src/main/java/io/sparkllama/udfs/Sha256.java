package io.sparkllama.udfs;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The sha256 of a file, streamed in 1 MiB reads (model files never pass whole through the heap). */
public final class Sha256 {
    private Sha256() {
    }

    public static String of(ModelLocation file) {
        try (InputStream in = file.open()) {
            MessageDigest md = newDigest();
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new ModelTransferException(file + ": cannot read to hash (" + e.getMessage() + ")", e);
        }
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    /** Checks {@code file} against the driver's digest; the message says which file and what to do. */
    public static void verify(ModelLocation file, ModelFile expected, String where) {
        String actual = of(file);
        if (!actual.equals(expected.sha256())) {
            throw mismatch(file, expected, actual, where);
        }
    }

    /** The error for {@code file} hashing to {@code actual} where the driver computed another digest. */
    public static ModelChecksumException mismatch(ModelLocation file, ModelFile expected, String actual, String where) {
        return new ModelChecksumException("model file " + expected.name() + " at " + file + " (" + where + ") has sha256 " + actual
                + " but the driver computed " + expected.sha256() + " for " + expected.source()
                + ": the file differs between nodes or changed during the run; make every node see the same file"
                + " or use model_transport=broadcast");
    }
}
