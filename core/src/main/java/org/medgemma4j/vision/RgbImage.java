package org.medgemma4j.vision;

/** An 8-bit RGB image, pixels interleaved row by row (what llama.cpp's clip_image_u8 holds). */
public record RgbImage(int width, int height, byte[] rgb) {

    public RgbImage {
        if (width <= 0 || height <= 0 || rgb.length != 3L * width * height) {
            throw new IllegalArgumentException("an RGB image of " + width + "x" + height + " needs " + 3L * width * height + " bytes");
        }
    }

    public int channel(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }
}
