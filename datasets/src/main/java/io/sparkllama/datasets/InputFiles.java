package io.sparkllama.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The data files of an input path, listed on the driver as Spark's file sources see them (a file,
 * or every file below a directory whose name does not start with {@code _} or {@code .}; a glob is
 * every match of it); each is
 * checked to exist and open, so a missing or unreadable input is one line before any work.
 */
public final class InputFiles {
    private InputFiles() {
    }

    public static List<FileStatus> list(String input, Configuration conf) {
        Path root = new Path(input);
        try {
            FileSystem fs = root.getFileSystem(conf);
            // A glob (data/*.jsonl) is read by Spark as the union of its matches, and listed so here.
            FileStatus[] matches = fs.globStatus(root);
            if (matches == null || matches.length == 0) {
                throw new InputTableException("input " + input + " does not exist; check --input");
            }
            List<FileStatus> files = new ArrayList<>();
            for (FileStatus top : matches) {
                collect(fs, top, files);
            }
            if (files.isEmpty()) {
                throw new InputTableException("input " + input + " holds no data files (names starting with _ or . are skipped)");
            }
            files.sort(Comparator.comparing(f -> f.getPath().toString()));
            for (FileStatus f : files) {
                try (InputStream ignored = fs.open(f.getPath())) {
                    // opening is the readability check
                } catch (IOException e) {
                    throw new InputTableException("input file " + f.getPath() + " cannot be read (" + e.getMessage() + ")");
                }
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list input " + input + " (" + e.getMessage() + ")", e);
        }
    }

    private static void collect(FileSystem fs, FileStatus s, List<FileStatus> out) throws IOException {
        if (!s.isDirectory()) {
            out.add(s);
            return;
        }
        for (FileStatus c : fs.listStatus(s.getPath())) {
            String name = c.getPath().getName();
            if (!name.startsWith("_") && !name.startsWith(".")) {
                collect(fs, c, out);
            }
        }
    }
}
