import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import dev.streamctl.thumbnail.capture.CaptureSettings;
import dev.streamctl.thumbnail.capture.ffmpeg.FfmpegCommand;

/**
 * Prints, one argument per line, the FFmpeg argument list the thumbnail worker builds with its default settings
 * (interval 10 s, width 320, quality 5, probe 1.5 s / 5 MB) for the input URL given as the first argument, so that
 * the benchmark can check it runs exactly that list; with a second argument {@code first-frame}, the list of the
 * quick first-image run instead. Run with the source launcher against the compiled classes:
 *   java -cp thumbnail-worker/target/classes:common/target/classes bench/thumbnail/PrintCommand.java URL
 */
public class PrintCommand {

	public static void main(String[] args) {
		CaptureSettings settings = new CaptureSettings(Path.of("./thumbnails"), Duration.ofSeconds(10), 320, 5,
				"rtmp://srs:1935/{app}/{stream}", 16, "ffmpeg", Duration.ofMillis(1500), 5000000, 3,
				Duration.ofSeconds(1), Duration.ofSeconds(30), 5, true, 5, Pattern.compile("[A-Za-z0-9._~-]{1,64}"), true);
		boolean first = args.length > 1 && args[1].equals("first-frame");
		for (String arg : first ? FfmpegCommand.firstFrame(settings, args[0]) : FfmpegCommand.capture(settings, args[0])) {
			System.out.println(arg);
		}
	}

}
