// Oracle for maven: reads "A<TAB>B" lines, prints -1/0/1.
// org.apache.maven.artifact.versioning.ComparableVersion from Maven's own
// maven-artifact jar (Debian: libmaven3-core-java, /usr/share/maven/lib/maven-artifact-3.x.jar).
// ComparableVersion accepts any string, so there is no "invalid" answer.
// Run with the JRE alone through the single-file source launcher:
//   java -cp /usr/share/maven/lib/maven-artifact-3.x.jar CmpMaven.java
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;

import org.apache.maven.artifact.versioning.ComparableVersion;

public class CmpMaven {
	public static void main(String[] args) throws IOException {
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			int tab = line.indexOf('\t');
			String a = tab < 0 ? line : line.substring(0, tab);
			String b = tab < 0 ? "" : line.substring(tab + 1);
			int r = new ComparableVersion(a).compareTo(new ComparableVersion(b));
			out.write(Integer.toString(Integer.signum(r)));
			out.write('\n');
		}
		out.flush();
	}
}
