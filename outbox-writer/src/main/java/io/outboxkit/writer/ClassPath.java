package io.outboxkit.writer;

/** Whether an optional library is on the class path, checked once when a writer is built. */
final class ClassPath {

  private ClassPath() {
  }

  static boolean has(String className) {
    try {
      Class.forName(className, false, ClassPath.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
