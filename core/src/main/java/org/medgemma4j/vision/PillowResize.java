package org.medgemma4j.vision;

/**
 * Bilinear resampling exactly as Pillow (and llama.cpp's mtmd-image.cpp, adapted from Pillow's Resample.c)
 * computes it: a triangle filter widened by the scale on downscale (antialiasing), weights normalised and
 * held as 22-bit fixed point, a horizontal pass then a vertical one, each skipped when its size stays.
 */
final class PillowResize {

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PillowResize() {
    }

    static RgbImage resize(RgbImage src, int width, int height) {
        byte[] data = src.rgb();
        int w = src.width();
        int h = src.height();
        if (width != w) {
            data = horizontal(data, w, h, width);
            w = width;
        }
        if (height != h) {
            data = vertical(data, w, h, height);
            h = height;
        }
        return new RgbImage(w, h, data == src.rgb() ? data.clone() : data);
    }

    /** Per output pixel: first input index, input count, then ksize weights. */
    private record Coefficients(int ksize, int[] bounds, int[] weights) {
    }

    private static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = 1.0 * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        double[] pre = new double[outSize * ksize];
        int[] bounds = new int[outSize * 2];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterscale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            int x = 0;
            for (; x < xmax; x++) {
                double wt = triangle((x + xmin - center + 0.5) * ss);
                pre[xx * ksize + x] = wt;
                ww += wt;
            }
            for (x = 0; x < xmax; x++) {
                if (ww != 0.0) {
                    pre[xx * ksize + x] /= ww;
                }
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        int[] weights = new int[pre.length];
        double fixed = Math.scalb(1.0, PRECISION_BITS);
        for (int i = 0; i < pre.length; i++) {
            weights[i] = (int) (pre[i] * fixed + (pre[i] < 0 ? -0.5 : 0.5));
        }
        return new Coefficients(ksize, bounds, weights);
    }

    private static double triangle(double x) {
        x = Math.abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static int clip8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private static byte[] horizontal(byte[] src, int inW, int h, int outW) {
        Coefficients k = coefficients(inW, outW);
        byte[] out = new byte[outW * h * 3];
        for (int y = 0; y < h; y++) {
            int row = y * inW * 3;
            for (int xx = 0; xx < outW; xx++) {
                int xmin = k.bounds[xx * 2];
                int xcnt = k.bounds[xx * 2 + 1];
                int ko = xx * k.ksize;
                int s0 = 1 << (PRECISION_BITS - 1);
                int s1 = s0;
                int s2 = s0;
                for (int x = 0; x < xcnt; x++) {
                    int p = row + (xmin + x) * 3;
                    int wt = k.weights[ko + x];
                    s0 += (src[p] & 0xFF) * wt;
                    s1 += (src[p + 1] & 0xFF) * wt;
                    s2 += (src[p + 2] & 0xFF) * wt;
                }
                int o = (y * outW + xx) * 3;
                out[o] = (byte) clip8(s0 >> PRECISION_BITS);
                out[o + 1] = (byte) clip8(s1 >> PRECISION_BITS);
                out[o + 2] = (byte) clip8(s2 >> PRECISION_BITS);
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] src, int w, int inH, int outH) {
        Coefficients k = coefficients(inH, outH);
        int rowElems = w * 3;
        byte[] out = new byte[rowElems * outH];
        int[] acc = new int[rowElems];
        for (int yy = 0; yy < outH; yy++) {
            int ymin = k.bounds[yy * 2];
            int ycnt = k.bounds[yy * 2 + 1];
            java.util.Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
            for (int y = 0; y < ycnt; y++) {
                int row = (ymin + y) * rowElems;
                int wt = k.weights[yy * k.ksize + y];
                for (int i = 0; i < rowElems; i++) {
                    acc[i] += (src[row + i] & 0xFF) * wt;
                }
            }
            int o = yy * rowElems;
            for (int i = 0; i < rowElems; i++) {
                out[o + i] = (byte) clip8(acc[i] >> PRECISION_BITS);
            }
        }
        return out;
    }
}
