package org.featmap.workers.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Worker "hosts" that share only the network (issue #14 item 4): each host is a Linux network namespace joined by a
 * veth pair to a bridge the test creates ({@value #SUBNET}.0/24, the bridge at {@value #SUBNET}.1). A host's own
 * loopback is empty, so it reaches the services (which infra/local binds to 127.0.0.1) only through the bridge:
 * a relay in the test JVM listens on {@value #SUBNET}.1 at the services' ports and forwards to 127.0.0.1. The
 * processes still share the file system (no mount namespace): each host gets its own scratch folder and nothing
 * else, and the store is S3, reached over the network. Needs root ({@code ip netns}); {@link #available} says whether
 * it works here.
 */
final class NetHosts implements AutoCloseable {
    static final String SUBNET = "10.231.77";
    static final String BRIDGE = "fmx-br";
    private final List<String> namespaces = new ArrayList<>();
    private final List<ServerSocket> relays = new ArrayList<>();

    /** The services' address as the hosts (and the test) reach them. */
    static String gateway() {
        return SUBNET + ".1";
    }

    static boolean available() {
        try {
            return run("ip", "netns", "list") == 0;
        } catch (Exception e) {
            return false;
        }
    }

    NetHosts() throws Exception {
        cleanup();
        check(run("ip", "link", "add", BRIDGE, "type", "bridge"), "ip link add bridge");
        check(run("ip", "addr", "add", gateway() + "/24", "dev", BRIDGE), "ip addr add");
        check(run("ip", "link", "set", BRIDGE, "up"), "bridge up");
    }

    /** Adds host {@code n} (1..): namespace fmx-hN at {@value #SUBNET}.(10+n); returns its {@code ip netns exec} prefix. */
    List<String> host(int n) throws Exception {
        String ns = "fmx-h" + n, a = "fmx-h" + n + "a", b = "fmx-h" + n + "b";
        check(run("ip", "netns", "add", ns), "ip netns add " + ns);
        namespaces.add(ns);
        check(run("ip", "link", "add", a, "type", "veth", "peer", "name", b), "veth " + a);
        check(run("ip", "link", "set", a, "master", BRIDGE), "veth to bridge");
        check(run("ip", "link", "set", a, "up"), "veth up");
        check(run("ip", "link", "set", b, "netns", ns), "veth into " + ns);
        check(run("ip", "-n", ns, "addr", "add", SUBNET + "." + (10 + n) + "/24", "dev", b), "address of " + ns);
        check(run("ip", "-n", ns, "link", "set", b, "up"), "veth up in " + ns);
        check(run("ip", "-n", ns, "link", "set", "lo", "up"), "lo up in " + ns);
        return List.of("ip", "netns", "exec", ns);
    }

    /** Forwards {@code gateway():port} to {@code 127.0.0.1:port} for as long as this object lives. */
    void relay(int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(gateway()), port));
        relays.add(server);
        Thread t = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try {
                            Socket in = server.accept();
                            Socket out = new Socket("127.0.0.1", port);
                            pipe(in, out);
                            pipe(out, in);
                        } catch (IOException e) {
                            // closed, or the service refused: the client sees its connection end
                        }
                    }
                },
                "relay-" + port);
        t.setDaemon(true);
        t.start();
    }

    private static void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream i = from.getInputStream();
                    OutputStream o = to.getOutputStream()) {
                i.transferTo(o);
            } catch (IOException e) {
                // one side went away
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws Exception {
        for (ServerSocket s : relays) s.close();
        cleanup();
    }

    /** Removes what a previous (killed) run of this test may have left. */
    static void cleanup() throws Exception {
        for (int n = 1; n <= 3; n++) {
            run("ip", "link", "del", "fmx-h" + n + "a");
            run("ip", "netns", "del", "fmx-h" + n);
        }
        run("ip", "link", "del", BRIDGE);
    }

    private static void check(int rc, String what) {
        if (rc != 0) throw new IllegalStateException(what + " failed (exit " + rc + ")");
    }

    static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
