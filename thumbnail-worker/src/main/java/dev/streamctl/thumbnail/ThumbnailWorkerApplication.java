package dev.streamctl.thumbnail;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class ThumbnailWorkerApplication {

	public static void main(String[] args) {
		SpringApplication.run(ThumbnailWorkerApplication.class, args);
	}

	/** The time stalls and thumbnail ages are measured at; tests build the capture service with their own. */
	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}
