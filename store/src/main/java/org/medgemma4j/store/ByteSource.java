package org.medgemma4j.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;

/**
 * Where a download's bytes come from: one GET from byte {@code from} on (a Range request when from > 0).
 * The answer is 200, 206 or 416, which {@link Downloader} sorts out; any other status is thrown here as a
 * {@link StoreException} carrying the source's own advice (a gated model, a mirror to try).
 */
@FunctionalInterface
public interface ByteSource {

    HttpResponse<InputStream> open(long from) throws IOException;
}
