package org.medgemma4j.store.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The catalog describes the real files: same names, sizes and SHA-256 as the data folder the tests read. */
class DataSetTest {

    @ParameterizedTest
    @EnumSource(DataSet.class)
    void catalogMatchesTheRealFiles(DataSet set) throws Exception {
        Path dir = TestData.require(set);
        for (DataSet.DataFile f : set.files()) {
            Path file = dir.resolve(f.name());
            assertThat(Files.size(file)).as(file.toString()).isEqualTo(f.size());
            assertThat(sha256(file)).as(file.toString()).isEqualTo(f.sha256());
        }
    }

    static String sha256(Path file) throws IOException, java.security.NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
