#!/bin/sh
# EdgeLab's own Java parts, installed after the JDK (both build paths run it: images/java/Dockerfile and the offline
# build, which copies images/java/ into the root file system):
#   - the warm worker (worker/edgelab/JavaWorker.java), compiled into /usr/lib/edgelab/java/edgelab-worker.jar (a jar:
#     class-data sharing accepts no class directories on the class path);
#   - class-data-sharing archives of javac and of the worker, dumped from a sample compile and from the worker
#     compiling and running the same sample, so both start from pre-parsed classes. The flags match packages/executor/src/languages/java.ts.
# Usage: post-install.sh (from any directory)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=/usr/lib/edgelab/java
flags="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -XX:ActiveProcessorCount=1"
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/classes"
javac -d "$work/classes" "$here/worker/edgelab/JavaWorker.java"
jar --create --file "$out/edgelab-worker.jar" -C "$work/classes" .
cat > "$work/Main.java" <<'JAVA'
import java.io.*;
import java.util.*;
import java.util.stream.*;

public class Main {
    record Pair(String name, long value) {}

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer tokens = new StringTokenizer(in.readLine());
        int n = Integer.parseInt(tokens.nextToken());
        List<Pair> pairs = new ArrayList<>();
        Map<String, Long> totals = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Pair p = new Pair("k" + (i % 3), Long.parseLong(tokens.nextToken()));
            pairs.add(p);
            totals.merge(p.name(), p.value(), Long::sum);
        }
        Scanner scanner = new Scanner(in);
        String rest = scanner.hasNextLine() ? scanner.nextLine() : "";
        pairs.sort(Comparator.comparingLong(Pair::value).reversed());
        String joined = pairs.stream().map(Pair::name).collect(Collectors.joining(","));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%d %.2f %s%n", n, Math.sqrt(n), joined));
        sb.append(new TreeMap<>(totals)).append(' ').append(rest.toUpperCase()).append('\n');
        int[] counts = new int[10];
        Arrays.fill(counts, 1);
        sb.append(Arrays.toString(counts)).append(' ').append(new ArrayDeque<>(List.of(1, 2)).peek()).append('\n');
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out)));
        out.print(sb);
        out.flush();
        System.out.println(Optional.of(pairs.size()).orElse(0));
    }
}
JAVA
printf '4 3 1 4 1\nfive\n' > "$work/input"
# javac: the archive holds what compiling a typical program loads.
# shellcheck disable=SC2086 # $flags is a list of flags
javac $(for f in $flags; do printf -- '-J%s ' "$f"; done) "-J-XX:ArchiveClassesAtExit=$out/javac.jsa" -d "$work" "$work/Main.java"
# The worker: a compile and a test through its request/reply descriptors (3, 4), then end of requests ends it.
rm -f "$work"/*.class
printf 'run\t--javac\t-proc:none\t-encoding\tUTF-8\t-d\t.\tMain.java\nrun\tMain\n' > "$work/requests"
# shellcheck disable=SC2086
(cd "$work" && java $flags -Xss64m "-XX:ArchiveClassesAtExit=$out/worker.jsa" -cp "$out/edgelab-worker.jar" edgelab.JavaWorker \
  <"$work/input" >"$work/stdout" 2>"$work/stderr" 3<"$work/requests" 4>"$work/replies")
[ "$(grep -c '^done	0	$' "$work/replies")" = 2 ] || { echo "post-install: the warm worker's sample test failed:" >&2; cat "$work/replies" "$work/stderr" >&2; exit 1; }
grep -q '^4 2.00 k2,k0,k1,k0' "$work/stdout" || { echo "post-install: the warm worker printed the wrong output:" >&2; cat "$work/stdout" >&2; exit 1; }
chmod -R a+rX "$out"
ls -l "$out"
