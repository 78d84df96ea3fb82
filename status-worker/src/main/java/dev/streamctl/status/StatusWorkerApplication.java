package dev.streamctl.status;

import java.util.Arrays;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The status worker. {@code java -jar status-worker.jar} consumes events and reconciles;
 * {@code java -jar status-worker.jar replay --status.replay.from=<instant or interval>}
 * re-applies events from the {@code srs.events.log} stream and exits.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class StatusWorkerApplication {

	public static void main(String[] args) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(StatusWorkerApplication.class);
		if (args.length > 0 && "replay".equals(args[0])) {
			application.profiles("replay");
			args = Arrays.copyOfRange(args, 1, args.length);
		}
		application.run(args);
	}

}
