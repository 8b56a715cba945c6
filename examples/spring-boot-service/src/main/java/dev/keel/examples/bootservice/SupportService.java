package dev.keel.examples.bootservice;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A support service that summarises tickets with OpenAI, through keel (the starter wires everything). */
@SpringBootApplication
public class SupportService {

    public static void main(String[] args) {
        SpringApplication.run(SupportService.class, args);
    }
}
