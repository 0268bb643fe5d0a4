package org.featmap.activities.store;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Where an S3 store lives, parsed from {@code s3://bucket/prefix?endpoint=http://127.0.0.1:9005&region=us-east-1&pathStyle=true}.
 * Credentials never come from the URI (it ends up in configs, logs and Temporal payloads); they come
 * from the AWS default chain (environment, profile, instance role).
 *
 * @param bucket the bucket
 * @param prefix key prefix without leading or trailing '/', may be empty
 * @param endpoint endpoint override (S3-compatible servers), or null for AWS
 * @param region signing region
 * @param pathStyle path-style addressing (needed by most S3-compatible servers)
 */
public record S3StoreConfig(String bucket, String prefix, URI endpoint, String region, boolean pathStyle) {
    private static final Set<String> KNOWN = Set.of("endpoint", "region", "pathStyle");

    public S3StoreConfig {
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("bad S3 bucket '" + bucket + "': allowed is 3-63 of [a-z0-9.-]");
        }
        prefix = prefix == null ? "" : stripSlashes(prefix);
        if (!prefix.isEmpty()) StorePaths.checkRelative(prefix);
        if (region == null || region.isBlank()) region = "us-east-1";
    }

    /** Parses an {@code s3://} store URI; unknown query keys and credentials in it are errors. */
    public static S3StoreConfig parse(String uri) {
        URI u;
        try {
            u = new URI(uri);
        } catch (Exception e) {
            throw new IllegalArgumentException("bad S3 store URI '" + uri + "': " + e.getMessage());
        }
        if (!"s3".equals(u.getScheme())) {
            throw new IllegalArgumentException("bad S3 store URI '" + uri + "': the scheme must be s3://");
        }
        if (u.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    "S3 store URI must not hold credentials; set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile instead");
        }
        String bucket = u.getHost() != null ? u.getHost() : u.getAuthority();
        URI endpoint = null;
        String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
        boolean pathStyle = false;
        boolean pathStyleSet = false;
        if (u.getRawQuery() != null) {
            for (String pair : u.getRawQuery().split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (!KNOWN.contains(k)) {
                    throw new IllegalArgumentException(
                            "unknown key '" + k
                                    + "' in S3 store URI (allowed: endpoint, region, pathStyle; credentials come from the environment)");
                }
                switch (k) {
                    case "endpoint" -> {
                        endpoint = URI.create(v);
                        if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())
                                || endpoint.getUserInfo() != null) {
                            throw new IllegalArgumentException("bad endpoint '" + v
                                    + "' in S3 store URI: allowed is http(s)://host:port without credentials");
                        }
                    }
                    case "region" -> region = v;
                    case "pathStyle" -> {
                        if (!v.equals("true") && !v.equals("false")) {
                            throw new IllegalArgumentException(
                                    "bad pathStyle '" + v + "' in S3 store URI: allowed is true or false");
                        }
                        pathStyle = Boolean.parseBoolean(v);
                        pathStyleSet = true;
                    }
                    default -> throw new AssertionError(k);
                }
            }
        }
        // An endpoint override almost always means an S3-compatible server that wants path-style.
        if (!pathStyleSet && endpoint != null) pathStyle = true;
        return new S3StoreConfig(bucket, u.getPath(), endpoint, region, pathStyle);
    }

    /** The URI this config was parsed from, normalised (no credentials in it, ever). */
    public String toUri() {
        StringBuilder b = new StringBuilder("s3://").append(bucket);
        if (!prefix.isEmpty()) b.append('/').append(prefix);
        String sep = "?";
        if (endpoint != null) {
            b.append(sep).append("endpoint=").append(endpoint);
            sep = "&";
        }
        b.append(sep).append("region=").append(region).append("&pathStyle=").append(pathStyle);
        return b.toString();
    }

    /** The object key of a path under the prefix. */
    String objectKey(String relative) {
        return prefix.isEmpty() ? relative : prefix + "/" + relative;
    }

    private static String stripSlashes(String s) {
        int a = 0;
        int z = s.length();
        while (a < z && s.charAt(a) == '/') a++;
        while (z > a && s.charAt(z - 1) == '/') z--;
        return s.substring(a, z);
    }
}
