package dev.streamctl.thumbnail.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

@AnalyzeClasses(packages = "dev.streamctl.thumbnail", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

	@ArchTest
	static final ArchRule onlyTheFfmpegSeamStartsProcesses = noClasses().that()
		.resideOutsideOfPackage("..capture.ffmpeg..")
		.and()
		.doNotHaveSimpleName("CaptureHealth")
		.should()
		.dependOnClassesThat()
		.haveFullyQualifiedName("java.lang.ProcessBuilder");

	@ArchTest
	static final ArchRule listenersTouchNoHttpClient = noClasses().that()
		.haveSimpleNameEndingWith("Listener")
		.should()
		.dependOnClassesThat()
		.haveFullyQualifiedName("org.springframework.web.reactive.function.client.WebClient")
		.orShould()
		.dependOnClassesThat()
		.haveFullyQualifiedName("org.springframework.web.client.RestClient");

	@ArchTest
	static final ArchRule dependsOnNoOtherService = noClasses().should()
		.dependOnClassesThat()
		.resideInAnyPackage("dev.streamctl.gateway..", "dev.streamctl.status..");

}
