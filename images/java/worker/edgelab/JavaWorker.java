package edgelab;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.Permission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;

/**
 * EdgeLab's warm JVM: started once per sandbox session by the runner (edgelab_runner.py), it runs one student
 * program per request, each in a fresh class loader, so a submission's tests skip the JVM's start-up.
 *
 * <p>Descriptors (set up by the runner): 0 is a memory file holding the current test's stdin (rewound here before
 * each test), 1 and 2 are pipes the runner reads as the test's stdout and stderr, 3 carries requests
 * ({@code run<TAB>MainClass[<TAB>arg...]}, or {@code run<TAB>--javac<TAB>javac-arg...} to compile) and 4 carries replies ({@code ready}, then one
 * {@code done<TAB>status<TAB>flags} per request). The working directory holds the test's files.
 *
 * <p>The aim is that a program cannot tell it from {@code java Main}: its own statics (fresh loader), System.in/out/err,
 * system properties, default locale and time zone are fresh for every test; {@code System.exit} ends the test with its
 * status; an uncaught exception in main prints as the launcher prints it and exits 1. Whatever this JVM cannot put
 * back is named in the reply's flags, and the runner starts a fresh worker for the next test: {@code threads} (left
 * running), {@code descriptors} (a standard descriptor closed for good), {@code jvm-setting} (a once-per-JVM factory
 * set), {@code heap} (still full after a collection), {@code max-tests}; and {@code cold}, with the reason, when the
 * runner must run the request again with its own command and report that run: {@code shutdown-hooks} (registered:
 * their output belongs to this test, and they only run when its own JVM exits) or {@code javac-failed} (javac ran out
 * of resources or crashed in a heap sized for the tests).
 */
@SuppressWarnings("removal") // the security manager is how Java 17 lets System.exit end a test rather than the JVM
public final class JavaWorker {
  /** Tests one worker runs before the runner is asked for a fresh one (bounds what unloaded classes leave behind). */
  private static final int MAX_TESTS = 200;
  /** javac's thread stack: the launcher's default for the javac command, so deep expressions fail the same way. */
  private static final long JAVAC_STACK_BYTES = 1L << 20;
  /** First argument of a request that asks for javac (the rest are its arguments) instead of a program. */
  private static final String JAVAC = "--javac";
  /** javac's exit codes for "out of resources" and "crashed": this JVM's heap is the tests', so javac runs again alone. */
  private static final Set<Integer> JAVAC_SYSTEM_FAILURES = Set.of(3, 4);
  /** Stack of the test's main thread, as {@code -Xss} gives {@code java Main}. */
  private static final long MAIN_STACK_BYTES = 64L << 20;

  private JavaWorker() {}

  /** Thrown by {@link Guard#checkExit} to unwind a thread that called {@code System.exit}. */
  static final class ExitTrap extends SecurityException {
    private static final long serialVersionUID = 1L;

    ExitTrap() {
      super("System.exit", null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /** An output stream over fd 1 or 2 that a test can close (for itself) but never really closes. */
  static final class TestOut extends OutputStream {
    private final FileOutputStream fd;
    private final Test test;
    private volatile boolean closed;

    TestOut(FileOutputStream fd, Test test) {
      this.fd = fd;
      this.test = test;
    }

    @Override
    public void write(int b) throws IOException {
      open();
      fd.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      open();
      fd.write(b, off, len);
    }

    private void open() throws IOException {
      if (closed || test.exited) throw new IOException("Stream Closed");
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** System.in of a test: fd 0 (a memory file holding the whole input), closable for the test alone. */
  static final class TestIn extends InputStream {
    private final FileInputStream fd;
    private volatile boolean closed;

    TestIn(FileInputStream fd) {
      this.fd = fd;
    }

    @Override
    public int read() throws IOException {
      open();
      return fd.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      open();
      return fd.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
      open();
      return fd.skip(n);
    }

    @Override
    public int available() throws IOException {
      open();
      return fd.available();
    }

    private void open() throws IOException {
      if (closed) throw new IOException("Stream Closed");
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** One test in progress. */
  static final class Test {
    final TestGroup group;
    volatile boolean exited;
    volatile int exitStatus;
    volatile boolean mainFailed;
    volatile boolean shutdownHooks;
    volatile boolean jvmSetting;
    volatile boolean javacFailed;
    volatile boolean ownSecurityManager;
    volatile boolean finalizers;
    volatile int compileStatus = -1;

    Test(TestGroup group) {
      this.group = group;
    }
  }

  static volatile Test current;
  static PrintStream testOut;
  static PrintStream testErr;

  /**
   * Allows everything a program may do under {@code java Main}, and watches for what a shared JVM must handle:
   * {@code System.exit}/{@code halt} end the test; shutdown hooks, a replaced security manager and JVM-wide
   * factories are noted in the test's flags.
   */
  static final class Guard extends SecurityManager {
    @Override
    public void checkExit(int status) {
      Test test = current;
      if (test == null) return;
      synchronized (test) {
        if (!test.exited) {
          // Nothing is flushed, as the launcher flushes nothing at exit: bytes a program left in System.out's buffer
          // (write(int) without a newline) are lost both ways. Nothing written after the exit reaches the output.
          test.exitStatus = status;
          test.exited = true;
          test.notifyAll();
        }
      }
      throw new ExitTrap();
    }

    @Override
    public void checkPermission(Permission perm) {
      Test test = current;
      if (test == null || !(perm instanceof RuntimePermission)) return;
      String name = perm.getName();
      if (name.equals("shutdownHooks")) {
        test.shutdownHooks = true;
      } else if (name.equals("setSecurityManager")) {
        // The exit trap must stay here; the test runs again in a JVM of its own, where the program may set one.
        test.ownSecurityManager = true;
        throw new SecurityException("edgelab: the test runs again in a JVM of its own");
      } else if (name.equals("setFactory")) {
        test.jvmSetting = true; // URL, socket or RMI factories are set once per JVM
      }
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
      checkPermission(perm);
    }
  }

  /** Loads a test's classes from its working directory, noting classes with finalizers. */
  static final class TestLoader extends URLClassLoader {
    private final Test test;

    TestLoader(URL workdir, Test test) {
      super(new URL[] {workdir}, ClassLoader.getPlatformClassLoader()); // unnamed: stack traces read "at Main.main"
      this.test = test;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      Class<?> cls = super.findClass(name);
      // A finalizer declared here or inherited (from a JDK class too): only Object's own, empty one is harmless.
      for (Class<?> c = cls; c != null && c != Object.class && !test.finalizers; c = c.getSuperclass()) {
        try {
          c.getDeclaredMethod("finalize");
          test.finalizers = true;
        } catch (NoSuchMethodException | LinkageError e) {
          // none here (or a class that cannot link yet: it fails when used, as under java Main)
        }
      }
      return cls;
    }
  }

  /** The thread group of a test: a thread that called System.exit unwinds silently. */
  static final class TestGroup extends ThreadGroup {
    volatile boolean outOfMemory;

    TestGroup(ThreadGroup parent) {
      super(parent, "main");
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
      if (e instanceof ExitTrap || (current != null && current.exited)) return;
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof OutOfMemoryError) outOfMemory = true;
      }
      super.uncaughtException(t, e);
    }
  }

  public static void main(String[] args) throws Exception {
    BufferedReader requests = new BufferedReader(new InputStreamReader(new FileInputStream("/proc/self/fd/3"), StandardCharsets.UTF_8));
    OutputStream replies = new FileOutputStream("/proc/self/fd/4");
    FileInputStream stdin = new FileInputStream(FileDescriptor.in);
    FileChannel stdinChannel = stdin.getChannel();
    FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
    FileOutputStream stderr = new FileOutputStream(FileDescriptor.err);
    String[] fdTargets = fdTargets();
    Properties properties = (Properties) System.getProperties().clone();
    Locale locale = Locale.getDefault();
    Locale displayLocale = Locale.getDefault(Locale.Category.DISPLAY);
    Locale formatLocale = Locale.getDefault(Locale.Category.FORMAT);
    TimeZone timeZone = TimeZone.getDefault();
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true);
    URL workdir = Paths.get("").toAbsolutePath().toUri().toURL();
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    ThreadGroup top = root;
    while (top.getParent() != null) top = top.getParent();
    Set<Thread> baseline = new HashSet<>(liveThreads(top));

    System.setSecurityManager(new Guard());
    System.setOut(quiet);
    System.setErr(quiet);
    reply(replies, "ready");

    for (int done = 0; ; ) {
      String line = requests.readLine();
      if (line == null) return;
      String[] parts = line.split("\t", -1);
      if (parts.length < 2 || !parts[0].equals("run")) {
        reply(replies, "error\tbad request");
        continue;
      }
      stdinChannel.position(0);
      TestGroup group = new TestGroup(root);
      Test test = new Test(group);
      testOut = new PrintStream(new BufferedOutputStream(new TestOut(stdout, test), 128), true);
      testErr = new PrintStream(new BufferedOutputStream(new TestOut(stderr, test), 128), true);
      System.setIn(new BufferedInputStream(new TestIn(stdin)));
      System.setOut(testOut);
      System.setErr(testErr);
      current = test;

      if (parts[1].equals(JAVAC)) {
        compile(test, Arrays.copyOfRange(parts, 2, parts.length));
      } else {
        runTest(test, workdir, parts[1], Arrays.copyOfRange(parts, 2, parts.length), top, baseline);
      }

      synchronized (test) {
        if (!test.exited) {
          test.exitStatus = test.compileStatus >= 0 ? test.compileStatus : test.mainFailed ? 1 : 0;
          test.exited = true;
        }
      }
      int status = test.exitStatus;
      Set<String> flags = new LinkedHashSet<>();
      if (test.shutdownHooks) flags.addAll(List.of("cold", "shutdown-hooks"));
      if (test.javacFailed) flags.addAll(List.of("cold", "javac-failed"));
      if (test.ownSecurityManager) flags.addAll(List.of("cold", "security-manager"));
      if (test.finalizers) flags.add("finalizers"); // they would run during a later test and print into it
      // The JVM has a few preallocated OutOfMemoryErrors with stack traces; once used, later ones come without.
      if (test.group.outOfMemory) flags.add("out-of-memory");
      if (test.jvmSetting) flags.add("jvm-setting");
      if (!Arrays.equals(fdTargets, fdTargets())) flags.add("descriptors");
      if (!settled(top, baseline)) flags.add("threads"); // JDK threads it made start count too (process reaper, pools)
      if (++done >= MAX_TESTS) flags.add("max-tests");
      current = null;
      System.setIn(InputStream.nullInputStream());
      System.setOut(quiet);
      System.setErr(quiet);
      System.setProperties((Properties) properties.clone());
      Locale.setDefault(locale);
      Locale.setDefault(Locale.Category.DISPLAY, displayLocale);
      Locale.setDefault(Locale.Category.FORMAT, formatLocale);
      TimeZone.setDefault(timeZone);
      Thread.setDefaultUncaughtExceptionHandler(null);
      if (flags.isEmpty() && heapStillFull()) flags.add("heap");
      reply(replies, "done\t" + status + "\t" + String.join(",", flags));
    }
  }

  /**
   * Runs javac in this JVM (its classes come from the class-data-sharing archive, and the tests then find the JVM
   * started), printing what the {@code javac} command prints. A failure of javac itself (out of memory in a heap
   * sized for the tests, a crash) asks the runner to run the {@code javac} command instead.
   */
  private static void compile(Test test, String[] args) {
    Thread main = new Thread(test.group, () -> {
      PrintWriter out = new PrintWriter(System.err, true);
      int status = com.sun.tools.javac.Main.compile(args, out);
      out.flush();
      if (JAVAC_SYSTEM_FAILURES.contains(status)) test.javacFailed = true;
      test.compileStatus = status;
    }, "main", JAVAC_STACK_BYTES);
    main.start();
    try {
      main.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Loads the main class in a fresh loader and runs it the way the {@code java} launcher does. */
  private static void runTest(Test test, URL workdir, String mainClass, String[] args, ThreadGroup top, Set<Thread> baseline) {
    // Unnamed, so stack traces read "at Main.main(...)" as under the launcher's own class loader.
    URLClassLoader loader = new TestLoader(workdir, test);
    Thread main = new Thread(test.group, () -> launch(test, loader, mainClass, args), "main", MAIN_STACK_BYTES);
    main.setContextClassLoader(loader);
    main.start();
    // The program ends when every non-daemon thread it started has ended, or when it calls System.exit.
    for (;;) {
      Thread waitFor = null;
      synchronized (test) {
        if (test.exited) break;
      }
      for (Thread t : liveThreads(top)) {
        if (!t.isDaemon() && !baseline.contains(t)) {
          waitFor = t;
          break;
        }
      }
      if (waitFor == null) break;
      try {
        synchronized (test) {
          if (test.exited) break;
        }
        waitFor.join(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    try {
      loader.close();
    } catch (IOException ignored) {
      // the loader only reads class files
    }
  }

  private static void launch(Test test, ClassLoader loader, String mainClass, String[] args) {
    Method method;
    try {
      Class<?> cls = Class.forName(mainClass, false, loader);
      method = cls.getMethod("main", String[].class);
      if (!Modifier.isStatic(method.getModifiers())) {
        System.err.println("Error: Main method is not static in class " + mainClass + ", please define the main method as:");
        System.err.println("   public static void main(String[] args)");
        test.mainFailed = true;
        return;
      }
      if (method.getReturnType() != void.class) {
        System.err.println("Error: Main method must return a value of type void in class " + mainClass + ", please ");
        System.err.println("define the main method as:");
        System.err.println("   public static void main(String[] args)");
        test.mainFailed = true;
        return;
      }
      method.setAccessible(true);
    } catch (ClassNotFoundException | NoClassDefFoundError e) {
      System.err.println("Error: Could not find or load main class " + mainClass);
      System.err.println("Caused by: " + e);
      test.mainFailed = true;
      return;
    } catch (NoSuchMethodException e) {
      System.err.println("Error: Main method not found in class " + mainClass + ", please define the main method as:");
      System.err.println("   public static void main(String[] args)");
      System.err.println("or a JavaFX application class must extend javafx.application.Application");
      test.mainFailed = true;
      return;
    } catch (LinkageError e) {
      System.err.println("Error: Unable to initialize main class " + mainClass);
      System.err.println("Caused by: " + e);
      test.mainFailed = true;
      return;
    }
    Throwable thrown;
    try {
      method.invoke(null, (Object) args);
      return;
    } catch (InvocationTargetException e) {
      thrown = e.getCause();
    } catch (IllegalAccessException e) {
      test.mainFailed = true;
      System.err.println("Error: cannot call the main method of class " + mainClass + ": " + e.getMessage());
      return;
    } catch (Throwable e) { // the class's static initializer failed (ExceptionInInitializerError, OutOfMemoryError, ...)
      thrown = e;
    }
    if (thrown instanceof ExitTrap) return;
    test.mainFailed = true;
    trimLauncherFrames(thrown);
    JavaWorker.<RuntimeException>rethrow(thrown); // the thread's uncaught-exception handler prints it, as for java Main
  }

  /**
   * Drops the reflection and worker frames under main from {@code t} and its causes, so a stack trace reads as under
   * {@code java Main} (where a cause thrown by a static initializer also ends at {@code <clinit>}).
   */
  private static void trimLauncherFrames(Throwable thrown) {
    Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Throwable t = thrown; t != null && seen.add(t); t = t.getCause()) trimFrames(t);
  }

  private static void trimFrames(Throwable t) {
    StackTraceElement[] frames = t.getStackTrace();
    int end = frames.length;
    while (end > 0) {
      String cls = frames[end - 1].getClassName();
      if (cls.startsWith("edgelab.") || cls.startsWith("jdk.internal.reflect.") || cls.equals("java.lang.reflect.Method") || cls.equals("java.lang.Thread")) {
        end--;
      } else {
        break;
      }
    }
    // Nothing left (a static initializer failed inside the reflective call): the launcher's JNI call shows no frames either.
    if (end < frames.length) t.setStackTrace(Arrays.copyOf(frames, end));
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void rethrow(Throwable t) throws T {
    throw (T) t;
  }

  /** Whether every thread the test started has ended (briefly waiting for ones that are finishing). */
  private static boolean settled(ThreadGroup root, Set<Thread> baseline) {
    long deadline = System.nanoTime() + 20_000_000L;
    for (;;) {
      boolean clean = true;
      for (Thread t : liveThreads(root)) {
        if (!baseline.contains(t)) {
          clean = false;
          break;
        }
      }
      if (clean) return true;
      if (System.nanoTime() > deadline) return false;
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        return false;
      }
    }
  }

  private static List<Thread> liveThreads(ThreadGroup group) {
    Thread[] threads = new Thread[group.activeCount() + 16];
    int n;
    while ((n = group.enumerate(threads, true)) == threads.length) threads = new Thread[threads.length * 2];
    List<Thread> live = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (threads[i] != Thread.currentThread() && threads[i].isAlive()) live.add(threads[i]);
    }
    return live;
  }

  /** What fds 0-2 point at: a program that closes one directly (FileDescriptor.out) changes it for good. */
  private static String[] fdTargets() {
    String[] targets = new String[3];
    for (int fd = 0; fd < 3; fd++) {
      try {
        targets[fd] = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      } catch (IOException e) {
        targets[fd] = "?";
      }
    }
    return targets;
  }

  /** True when the heap holds much more than at start even after a collection: something the test left is live. */
  private static boolean heapStillFull() {
    Runtime rt = Runtime.getRuntime();
    long used = rt.totalMemory() - rt.freeMemory();
    if (used < rt.maxMemory() / 4) return false;
    System.gc();
    used = rt.totalMemory() - rt.freeMemory();
    return used >= rt.maxMemory() / 8;
  }

  private static void reply(OutputStream out, String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

}
