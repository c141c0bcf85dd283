package org.medgemma4j.privacy.audit;

/** llama.cpp's names for GGUF's general.file_type (the quantization a file was made with). */
public final class GgufFileTypes {

    private GgufFileTypes() {
    }

    public static String name(int fileType) {
        return switch (fileType) {
            case 0 -> "F32";
            case 1 -> "F16";
            case 2 -> "Q4_0";
            case 3 -> "Q4_1";
            case 7 -> "Q8_0";
            case 8 -> "Q5_0";
            case 9 -> "Q5_1";
            case 10 -> "Q2_K";
            case 11 -> "Q3_K_S";
            case 12 -> "Q3_K_M";
            case 13 -> "Q3_K_L";
            case 14 -> "Q4_K_S";
            case 15 -> "Q4_K_M";
            case 16 -> "Q5_K_S";
            case 17 -> "Q5_K_M";
            case 18 -> "Q6_K";
            case 32 -> "BF16";
            case -1 -> "unknown";
            default -> "file_type " + fileType;
        };
    }
}
