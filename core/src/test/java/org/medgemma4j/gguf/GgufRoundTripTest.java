package org.medgemma4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.tensor.GgmlType;

/** What the writer writes, the reader reads back: every value type, arrays, alignment, tensor data. */
class GgufRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void everyValueTypeAndTensorDataSurviveARoundTrip() throws Exception {
        Path file = dir.resolve("all.gguf");
        float[] weights = new float[64 * 3];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = i * 0.25f - 7;
        }
        new GgufWriter()
                .putString("general.architecture", "gemma3")
                .put("u8", GgufValueType.UINT8, 255L)
                .put("i8", GgufValueType.INT8, -128L)
                .put("u16", GgufValueType.UINT16, 65535L)
                .put("i16", GgufValueType.INT16, -32768L)
                .putUInt32("u32", 4294967295L)
                .putInt32("i32", -5)
                .putFloat32("f32", 1.5f)
                .putBool("bool", true)
                .putUInt64("u64", 1L << 40)
                .put("i64", GgufValueType.INT64, -(1L << 40))
                .put("f64", GgufValueType.FLOAT64, Math.PI)
                .putStrings("strings", new String[] {"a", "▁b", "", "日本"})
                .putFloats("floats", new float[] {1, -2, 3.5f})
                .putInt32s("ints", new int[] {1, 2, -3})
                .put("nested", GgufValueType.ARRAY, new GgufArray(GgufValueType.ARRAY, new GgufArray[] {
                        new GgufArray(GgufValueType.UINT8, new long[] {1, 2})}))
                .putUInt32("general.alignment", 64)
                .addTensor("w", new long[] {64, 3}, weights)
                .addTensor("v", new long[] {32}, new float[32])
                .write(file);

        try (GgufFile g = GgufFile.open(file)) {
            GgufMetadata m = g.metadata();
            assertThat(g.version()).isEqualTo(3);
            assertThat(g.alignment()).isEqualTo(64);
            assertThat(m.getLong("u8")).isEqualTo(255);
            assertThat(m.getLong("i8")).isEqualTo(-128);
            assertThat(m.getLong("u16")).isEqualTo(65535);
            assertThat(m.getLong("i16")).isEqualTo(-32768);
            assertThat(m.getLong("u32")).isEqualTo(4294967295L);
            assertThat(m.getInt("i32")).isEqualTo(-5);
            assertThat(m.getFloat("f32")).isEqualTo(1.5f);
            assertThat(m.getBoolean("bool", false)).isTrue();
            assertThat(m.getLong("u64")).isEqualTo(1L << 40);
            assertThat(m.getLong("i64")).isEqualTo(-(1L << 40));
            assertThat(m.getDouble("f64")).isEqualTo(Math.PI);
            assertThat(m.getStringArray("strings")).containsExactly("a", "▁b", "", "日本");
            assertThat(m.getFloatArray("floats")).containsExactly(1, -2, 3.5f);
            assertThat(m.getIntArray("ints")).containsExactly(1, 2, -3);
            assertThat(((GgufArray[]) m.getArray("nested").values())[0].values()).isEqualTo(new long[] {1, 2});
            assertThat(m.keys()).startsWith("general.architecture", "u8", "i8");

            GgufTensorInfo w = g.requireTensor("w");
            assertThat(w.type()).isEqualTo(GgmlType.F32);
            assertThat(w.dims()).containsExactly(64, 3);
            assertThat(w.dataOffset() % 64).isZero();
            float[] back = g.data(w).toArray(ValueLayout.JAVA_FLOAT);
            assertThat(back).containsExactly(weights);
            assertThat(g.requireTensor("v").dataOffset() % 64).isZero();
        }
    }

    @Test
    void missingKeysAndTensorsNameTheFile() throws Exception {
        Path file = dir.resolve("small.gguf");
        new GgufWriter().putString("general.architecture", "llama").write(file);
        try (GgufFile g = GgufFile.open(file)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> g.metadata().getInt("nope"))
                    .isInstanceOf(GgufException.class).hasMessageContaining("small.gguf").hasMessageContaining("nope");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> g.requireTensor("token_embd.weight"))
                    .hasMessageContaining("token_embd.weight");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> g.metadata().getInt("general.architecture"))
                    .hasMessageContaining("expected an integer");
        }
    }
}
