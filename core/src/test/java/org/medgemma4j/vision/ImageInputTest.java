package org.medgemma4j.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Decoding and preprocessing rules that need no oracle: formats, errors, bit depths, the padded fit. */
class ImageInputTest {

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "no " + format + " writer");
        return out.toByteArray();
    }

    @Test
    void dicomGetsAnErrorNamingTheFormat() {
        byte[] dicom = new byte[200];
        dicom[128] = 'D';
        dicom[129] = 'I';
        dicom[130] = 'C';
        dicom[131] = 'M';
        IOException e = assertThrows(IOException.class, () -> ImageDecoder.decode(dicom, "scan.dcm"));
        assertTrue(e.getMessage().contains("DICOM"), e.getMessage());
    }

    @Test
    void undecodableBytesGetAClearError() {
        IOException e = assertThrows(IOException.class, () -> ImageDecoder.decode("not an image".getBytes(), "notes.txt"));
        assertTrue(e.getMessage().contains("cannot decode image notes.txt"), e.getMessage());
    }

    @Test
    void greyIsReplicatedWithoutGammaAndSixteenBitKeepsTheHighByte() throws IOException {
        BufferedImage g8 = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        g8.getRaster().setSample(1, 0, 0, 100);
        RgbImage a = ImageDecoder.decode(encode(g8, "png"), "g8");
        assertEquals(100, a.channel(1, 0, 0));
        assertEquals(100, a.channel(1, 0, 2));
        BufferedImage g16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setSample(0, 0, 0, 0xABCD);
        RgbImage b = ImageDecoder.decode(encode(g16, "png"), "g16");
        assertEquals(0xAB, b.channel(0, 0, 1));
    }

    @Test
    void alphaIsDroppedNotBlended() throws IOException {
        BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x10_20_30_40);
        RgbImage rgb = ImageDecoder.decode(encode(img, "png"), "alpha");
        assertEquals(0x20, rgb.channel(0, 0, 0));
        assertEquals(0x30, rgb.channel(0, 0, 1));
        assertEquals(0x40, rgb.channel(0, 0, 2));
    }

    @Test
    void bmpAndGifDecode() throws IOException {
        BufferedImage img = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
        img.setRGB(2, 1, 0xFF0000);
        assertEquals(255, ImageDecoder.decode(encode(img, "bmp"), "bmp").channel(2, 1, 0));
        BufferedImage indexed = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_INDEXED); // GIF holds palettes
        indexed.setRGB(2, 1, 0xFF0000);
        RgbImage gif = ImageDecoder.decode(encode(indexed, "gif"), "gif");
        assertEquals(5, gif.width());
        assertEquals(4, gif.height());
    }

    @Test
    void wideImagesAreFittedAndCentredOnBlack() {
        byte[] white = new byte[3 * 300 * 100];
        java.util.Arrays.fill(white, (byte) 255);
        RgbImage fitted = ImagePreprocessor.fitted(new RgbImage(300, 100, white), 896);
        // scale 896/300: 896 x ceil(298.67) = 299 rows, (896 - 299) / 2 = 298 black rows above
        assertEquals(0, fitted.channel(400, 297, 0));
        assertEquals(255, fitted.channel(400, 298, 0));
        assertEquals(255, fitted.channel(400, 298 + 298, 0));
        assertEquals(0, fitted.channel(400, 298 + 299, 0));
    }
}
