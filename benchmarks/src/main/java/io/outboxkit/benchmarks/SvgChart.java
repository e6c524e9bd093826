package io.outboxkit.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * A line chart as SVG text: a title, two labelled axes (each linear or logarithmic), one polyline per series
 * and a legend. Written by hand so that the results need nothing but a browser to look at; mutable while it is
 * built, not thread-safe.
 */
final class SvgChart {

  static final int WIDTH = 760;
  static final int HEIGHT = 420;
  private static final int LEFT = 70;
  private static final int RIGHT = 190;
  private static final int TOP = 44;
  private static final int BOTTOM = 56;
  private static final String[] COLORS =
      {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};

  /** How an axis maps values to positions. */
  enum Scale {
    LINEAR, LOG
  }

  /**
   * One line of the chart.
   *
   * @param name shown in the legend
   * @param points {@code [x, y]} pairs in drawing order
   */
  record Series(String name, List<double[]> points) {
    Series {
      points = List.copyOf(points);
    }
  }

  /**
   * A labelled position on an axis.
   *
   * @param value where, in the axis's values
   * @param label what it says
   */
  record Tick(double value, String label) {
  }

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private Scale xScale = Scale.LINEAR;
  private Scale yScale = Scale.LINEAR;
  private List<Tick> xTicks = List.of();
  private final List<Series> series = new ArrayList<>();

  SvgChart(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  SvgChart xScale(Scale scale) {
    this.xScale = scale;
    return this;
  }

  SvgChart yScale(Scale scale) {
    this.yScale = scale;
    return this;
  }

  /** Fixed ticks of the x axis instead of computed ones. */
  SvgChart xTicks(List<Tick> ticks) {
    this.xTicks = List.copyOf(ticks);
    return this;
  }

  /** Adds a series; one without points is listed in the legend only. */
  SvgChart add(Series line) {
    series.add(line);
    return this;
  }

  List<Series> series() {
    return List.copyOf(series);
  }

  /** The chart as a standalone SVG document. */
  String render() {
    double[] xRange = range(0, xScale);
    double[] yRange = range(1, yScale);
    if (yScale == Scale.LINEAR) {
      yRange[0] = Math.min(0, yRange[0]);
    }
    DoubleUnaryOperator xOf = position(xScale, xRange, LEFT, WIDTH - RIGHT);
    DoubleUnaryOperator yOf = position(yScale, yRange, HEIGHT - BOTTOM, TOP);
    StringBuilder svg = new StringBuilder();
    svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
        + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
    svg.append("<title>").append(escape(title)).append("</title>\n");
    svg.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>%n",
        WIDTH, HEIGHT));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
        LEFT, escape(title)));

    // grid, ticks and axes
    svg.append("<g class=\"axes\" stroke=\"#cccccc\" stroke-width=\"1\">\n");
    List<Tick> xs = xTicks.isEmpty() ? ticks(xScale, xRange) : xTicks;
    List<Tick> ys = ticks(yScale, yRange);
    for (Tick tick : xs) {
      double x = xOf.applyAsDouble(tick.value());
      if (x >= LEFT - 0.5 && x <= WIDTH - RIGHT + 0.5) {
        svg.append(line(x, TOP, x, HEIGHT - BOTTOM));
      }
    }
    for (Tick tick : ys) {
      double y = yOf.applyAsDouble(tick.value());
      if (y >= TOP - 0.5 && y <= HEIGHT - BOTTOM + 0.5) {
        svg.append(line(LEFT, y, WIDTH - RIGHT, y));
      }
    }
    svg.append("</g>\n");
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
        + " stroke=\"#333333\"/>%n", LEFT, TOP, WIDTH - RIGHT - LEFT, HEIGHT - BOTTOM - TOP));
    svg.append("<g class=\"tick-labels\" fill=\"#333333\">\n");
    for (Tick tick : xs) {
      double x = xOf.applyAsDouble(tick.value());
      if (x >= LEFT - 0.5 && x <= WIDTH - RIGHT + 0.5) {
        svg.append(text(x, HEIGHT - BOTTOM + 16, "middle", tick.label()));
      }
    }
    for (Tick tick : ys) {
      double y = yOf.applyAsDouble(tick.value());
      if (y >= TOP - 0.5 && y <= HEIGHT - BOTTOM + 0.5) {
        svg.append(text(LEFT - 6, y + 4, "end", tick.label()));
      }
    }
    svg.append("</g>\n");
    svg.append(text((LEFT + WIDTH - RIGHT) / 2.0, HEIGHT - 14, "middle", xLabel));
    svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\""
        + " transform=\"rotate(-90 16 %.1f)\">%s</text>%n", (TOP + HEIGHT - BOTTOM) / 2.0,
        (TOP + HEIGHT - BOTTOM) / 2.0, escape(yLabel)));

    // series and legend
    for (int i = 0; i < series.size(); i++) {
      Series line = series.get(i);
      String color = COLORS[i % COLORS.length];
      StringBuilder points = new StringBuilder();
      for (double[] point : line.points()) {
        if (!drawable(point, xScale, yScale)) {
          continue;
        }
        points.append(points.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f",
            xOf.applyAsDouble(point[0]), yOf.applyAsDouble(point[1])));
      }
      svg.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-series=\"%s\" fill=\"none\""
          + " stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n", escape(line.name()), color, points));
      double legendY = TOP + 8 + i * 20;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\""
          + " stroke-width=\"3\"/>%n", WIDTH - RIGHT + 12, legendY, WIDTH - RIGHT + 32, legendY, color));
      svg.append(text(WIDTH - RIGHT + 38, legendY + 4, "start", line.name()));
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  /** The smallest and largest drawable value of coordinate {@code axis} (0: x, 1: y) over every series. */
  private double[] range(int axis, Scale scale) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Series line : series) {
      for (double[] point : line.points()) {
        double value = point[axis];
        if (Double.isFinite(value) && (scale == Scale.LINEAR || value > 0)) {
          min = Math.min(min, value);
          max = Math.max(max, value);
        }
      }
    }
    if (min == Double.POSITIVE_INFINITY) {
      return scale == Scale.LOG ? new double[] {1, 10} : new double[] {0, 1};
    }
    if (scale == Scale.LOG) {
      min = Math.pow(10, Math.floor(Math.log10(min)));
      max = Math.pow(10, Math.ceil(Math.log10(max)));
      if (max <= min) {
        max = min * 10;
      }
      return new double[] {min, max};
    }
    if (max <= min) {
      max = min + 1;
    }
    double step = niceStep((max - min) / 5);
    return new double[] {Math.floor(min / step) * step, Math.ceil(max / step) * step};
  }

  private static DoubleUnaryOperator position(Scale scale, double[] range, double from, double to) {
    if (scale == Scale.LOG) {
      double low = Math.log10(range[0]);
      double high = Math.log10(range[1]);
      return value -> from + (Math.log10(value) - low) / (high - low) * (to - from);
    }
    return value -> from + (value - range[0]) / (range[1] - range[0]) * (to - from);
  }

  private static boolean drawable(double[] point, Scale xScale, Scale yScale) {
    return Double.isFinite(point[0]) && Double.isFinite(point[1]) && (xScale == Scale.LINEAR || point[0] > 0)
        && (yScale == Scale.LINEAR || point[1] > 0);
  }

  /** Ticks over a range: powers of ten on a log axis, about five round steps on a linear one. */
  static List<Tick> ticks(Scale scale, double[] range) {
    List<Tick> ticks = new ArrayList<>();
    if (scale == Scale.LOG) {
      for (double value = range[0]; value <= range[1] * 1.0001; value *= 10) {
        ticks.add(new Tick(value, number(value)));
      }
      return ticks;
    }
    double step = niceStep((range[1] - range[0]) / 5);
    for (double value = range[0]; value <= range[1] + step / 1000; value += step) {
      ticks.add(new Tick(value, number(Math.abs(value) < step / 1000 ? 0 : value)));
    }
    return ticks;
  }

  /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
  static double niceStep(double rough) {
    if (!(rough > 0)) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(rough)));
    for (double factor : new double[] {1, 2, 5, 10}) {
      if (factor * power >= rough) {
        return factor * power;
      }
    }
    return 10 * power;
  }

  /** A tick label: {@code 0.1}, {@code 25}, {@code 5,000}. */
  private static String number(double value) {
    return value == Math.rint(value) ? String.format(Locale.ROOT, "%,.0f", value)
        : stripZeros(String.format(Locale.ROOT, "%.3f", value));
  }

  private static String stripZeros(String decimal) {
    String stripped = decimal.replaceAll("0+$", "");
    return stripped.endsWith(".") ? stripped.substring(0, stripped.length() - 1) : stripped;
  }

  private static String line(double x1, double y1, double x2, double y2) {
    return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>%n", x1, y1, x2, y2);
  }

  private static String text(double x, double y, String anchor, String content) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>%n", x, y, anchor,
        escape(content));
  }

  /** Escapes text for XML content and attribute values. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> out.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? ' ' : c);
      }
    }
    return out.toString();
  }
}
