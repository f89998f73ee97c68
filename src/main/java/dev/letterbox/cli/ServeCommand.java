package dev.letterbox.cli;

import dev.letterbox.config.Config;
import dev.letterbox.config.ConfigLoader;
import dev.letterbox.server.LetterboxServer;
import dev.letterbox.server.LogSetup;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the server in the foreground until SIGTERM or Ctrl-C.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    DataOption data;


    @Option(names = "--port-offset", paramLabel = "N", description = "Add N to every port (10000: SMTP on 10025, IMAP on 10143, ...)")
    Integer portOffset;

    @Option(names = "--hostname", paramLabel = "NAME", description = "Host name clients use to reach this server")
    String hostname;

    @Override
    public Integer call() throws Exception {
        Config cfg = ConfigLoader.load(Optional.ofNullable(data.config), new ConfigLoader.Overrides(
                Optional.ofNullable(data.data), Optional.ofNullable(portOffset), Optional.ofNullable(hostname)));
        LogSetup.install(cfg.log().level(), System.err);
        CountDownLatch stop = new CountDownLatch(1);
        // Handle TERM/INT ourselves so a requested stop is graceful and exits 0.
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        LetterboxServer server;
        try {
            server = LetterboxServer.start(cfg);
        } catch (java.io.IOException e) {
            throw new Main.CliExit(1, e.getMessage());
        }
        stop.await();
        server.close();
        return 0;
    }
}
