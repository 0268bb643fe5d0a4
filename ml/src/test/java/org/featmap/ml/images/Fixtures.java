package org.featmap.ml.images;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

final class Fixtures {
    private Fixtures() {}

    static Path path(String name) {
        try {
            var url = Fixtures.class.getResource("/fixtures/images/" + name);
            if (url == null)
                throw new IllegalStateException(
                        "missing fixture " + name + " (run python/fixtures/images/make_image_fixtures.py)");
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static RgbImage image(String name) throws IOException {
        return ImageCodec.decode(path(name));
    }
}
