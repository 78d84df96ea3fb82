package dev.streamctl.status;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class StatusWorkerApplication {

	public static void main(String[] args) {
		SpringApplication.run(StatusWorkerApplication.class, args);
	}

}
