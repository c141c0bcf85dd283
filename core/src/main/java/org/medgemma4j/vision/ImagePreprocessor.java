package org.medgemma4j.vision;

/**
 * llama.cpp's Gemma 3 preprocessing (mtmd_image_preprocessor_fixed_size with PAD_CEIL, RESIZE_ALGO_BILINEAR):
 * the image resized keeping its aspect ratio to fit the square input (the scale computed in float, sizes
 * rounded up), pasted centred on black, then each channel (u8/255 - mean)/std, laid out as planes.
 */
public final class ImagePreprocessor {

    private ImagePreprocessor() {
    }

    /** The size, centred position, and content of the image on the square canvas. */
    public static RgbImage fitted(RgbImage image, int size) {
        if (image.width() == size && image.height() == size) {
            return image;
        }
        float scaleW = (float) size / image.width();
        float scaleH = (float) size / image.height();
        float scale = Math.min(scaleW, scaleH);
        int newW = Math.min((int) Math.ceil(image.width() * scale), size);
        int newH = Math.min((int) Math.ceil(image.height() * scale), size);
        RgbImage resized = PillowResize.resize(image, newW, newH);
        byte[] canvas = new byte[size * size * 3];
        int offX = (size - newW) / 2;
        int offY = (size - newH) / 2;
        for (int y = 0; y < newH; y++) {
            System.arraycopy(resized.rgb(), y * newW * 3, canvas, ((y + offY) * size + offX) * 3, newW * 3);
        }
        return new RgbImage(size, size, canvas);
    }

    /** The encoder's input: 3 planes of size x size normalised floats. */
    public static float[] pixels(RgbImage image, VisionConfig c) {
        int size = c.imageSize();
        RgbImage canvas = fitted(image, size);
        float[] out = new float[3 * size * size];
        float[] mean = c.imageMean();
        float[] std = c.imageStd();
        byte[] rgb = canvas.rgb();
        for (int i = 0; i < size * size; i++) {
            for (int ch = 0; ch < 3; ch++) {
                float f = (rgb[i * 3 + ch] & 0xFF) / 255.0f;
                out[ch * size * size + i] = (f - mean[ch]) / std[ch];
            }
        }
        return out;
    }
}
