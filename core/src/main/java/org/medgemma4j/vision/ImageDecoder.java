package org.medgemma4j.vision;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Decodes PNG, JPEG, BMP and GIF (its first frame) to 8-bit RGB as llama.cpp's stb_image does with three
 * channels requested: grey replicated to R, G and B, alpha dropped (not blended), 16-bit samples cut to their
 * high byte, no EXIF rotation, no colour management. Samples are read from the raster itself: Java's own
 * RGB conversion would treat grey as linear light and brighten it.
 */
public final class ImageDecoder {

    private ImageDecoder() {
    }

    public static RgbImage read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException("image not found: " + file, e);
        }
        return decode(bytes, file.toString());
    }

    /** Decodes an image file's bytes; {@code what} names it in errors. */
    public static RgbImage decode(byte[] bytes, String what) throws IOException {
        if (isDicom(bytes)) {
            throw new IOException(what + " is a DICOM file: DICOM is not supported; export the image as PNG "
                    + "(16-bit grey PNGs are read) and pass that");
        }
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot decode image " + what + ": " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IOException("cannot decode image " + what + ": not a PNG, JPEG, BMP or GIF file");
        }
        return toRgb(image);
    }

    /** DICOM Part 10: a 128-byte preamble, then "DICM". */
    static boolean isDicom(byte[] b) {
        return b.length >= 132 && b[128] == 'D' && b[129] == 'I' && b[130] == 'C' && b[131] == 'M';
    }

    static RgbImage toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[3 * w * h];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        if (cm instanceof IndexColorModel || bands > 4) {
            // palettes (GIF, palette PNG, 1-4 bit images) map to their sRGB entries exactly
            for (int y = 0, o = 0; y < h; y++) {
                for (int x = 0; x < w; x++, o += 3) {
                    int argb = image.getRGB(x, y);
                    out[o] = (byte) (argb >> 16);
                    out[o + 1] = (byte) (argb >> 8);
                    out[o + 2] = (byte) argb;
                }
            }
            return new RgbImage(w, h, out);
        }
        int bits = cm.getComponentSize(0);
        int colourBands = bands >= 3 ? 3 : 1; // grey(+alpha) or RGB(+alpha): alpha is the extra band, dropped
        int[] px = new int[bands];
        for (int y = 0, o = 0; y < h; y++) {
            for (int x = 0; x < w; x++, o += 3) {
                raster.getPixel(x, y, px);
                for (int c = 0; c < 3; c++) {
                    out[o + c] = (byte) to8(px[colourBands == 3 ? c : 0], bits, raster.getDataBuffer().getDataType());
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    /** stb_image's depth conversion: 16-bit keeps the high byte, fewer than 8 bits are scaled up. */
    private static int to8(int sample, int bits, int dataType) {
        if (bits == 8) {
            return sample;
        }
        if (bits == 16 || dataType == DataBuffer.TYPE_USHORT) {
            return (sample >> 8) & 0xFF;
        }
        if (bits < 8) {
            int max = (1 << bits) - 1;
            return sample * 255 / max;
        }
        return (sample >> (bits - 8)) & 0xFF;
    }
}
