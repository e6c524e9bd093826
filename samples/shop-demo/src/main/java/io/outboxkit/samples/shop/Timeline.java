package io.outboxkit.samples.shop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The run's timeline chart: orders placed, completed and cancelled (compensated) over time, cumulative, with the
 * faults marked as bands, written as a plain SVG file. Fault marks are recorded while the demo runs;
 * thread-safe.
 */
final class Timeline {

  /** A fault: what, from when to when (epoch milliseconds; equal for an instant). */
  record Mark(String label, long fromMillis, long toMillis) {
  }

  private static final int WIDTH = 960;
  private static final int HEIGHT = 420;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 110;
  private static final String[] FAULT_COLOURS = {"#f4c7c3", "#fce8b2", "#d2e3fc", "#e6d4f5", "#cdebd3"};

  private final List<Mark> marks = new CopyOnWriteArrayList<>();

  /** Records a fault that lasted from {@code fromMillis} until now. */
  void mark(String label, long fromMillis) {
    marks.add(new Mark(label, fromMillis, System.currentTimeMillis()));
  }

  List<Mark> marks() {
    return List.copyOf(marks);
  }

  /** Writes the chart from the order service's orders; returns a one-line summary of what it shows. */
  String write(Shop shop, Path file) throws SQLException, IOException {
    List<double[]> orders = new ArrayList<>(); // created, finished (NaN while pending), 1 completed / 0 cancelled
    try (Connection connection = shop.database(ShopService.ORDER).dataSource().getConnection();
         PreparedStatement statement = connection.prepareStatement("""
             SELECT extract(epoch FROM created_at) * 1000, extract(epoch FROM finished_at) * 1000, status
             FROM orders""");
         ResultSet rs = statement.executeQuery()) {
      while (rs.next()) {
        double finished = rs.getDouble(2);
        orders.add(new double[] {rs.getDouble(1), rs.wasNull() ? Double.NaN : finished,
            "COMPLETED".equals(rs.getString(3)) ? 1 : 0});
      }
    }
    Files.writeString(file, svg(orders), StandardCharsets.UTF_8);
    return orders.size() + " orders, " + marks.size() + " faults marked";
  }

  private String svg(List<double[]> orders) {
    double start = orders.stream().mapToDouble(order -> order[0]).min().orElse(System.currentTimeMillis());
    for (Mark mark : marks) {
      start = Math.min(start, mark.fromMillis());
    }
    double end = start + 1000;
    for (double[] order : orders) {
      end = Math.max(end, Double.isNaN(order[1]) ? order[0] : order[1]);
    }
    for (Mark mark : marks) {
      end = Math.max(end, mark.toMillis());
    }
    double seconds = Math.ceil((end - start) / 1000);
    double[] placed = sortedSeconds(orders, start, order -> order[0]);
    double[] completed = sortedSeconds(orders.stream().filter(order -> order[2] == 1 && !Double.isNaN(order[1]))
        .toList(), start, order -> order[1]);
    double[] cancelled = sortedSeconds(orders.stream().filter(order -> order[2] == 0 && !Double.isNaN(order[1]))
        .toList(), start, order -> order[1]);
    int top = Math.max(1, placed.length);
    double plotWidth = WIDTH - LEFT - RIGHT;
    double plotHeight = HEIGHT - TOP - BOTTOM;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\">Shop demo: orders over time "
        + "(cumulative), faults marked</text>%n", LEFT));
    // faults: a band each, labelled under the axis
    int row = 0;
    for (Mark mark : marks) {
      double x1 = LEFT + (mark.fromMillis() - start) / 1000 / seconds * plotWidth;
      double x2 = Math.max(x1 + 2, LEFT + (mark.toMillis() - start) / 1000 / seconds * plotWidth);
      String colour = FAULT_COLOURS[row % FAULT_COLOURS.length];
      svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
          + "opacity=\"0.7\"><title>%s</title></rect>%n", x1, TOP, x2 - x1, plotHeight, colour, escape(mark.label())));
      double labelY = HEIGHT - BOTTOM + 36 + 14 * row;
      svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>"
          + "<text x=\"%.1f\" y=\"%.1f\">%s (%.1f s to %.1f s)</text>%n", (double) LEFT, labelY - 9, colour, LEFT + 16.0,
          labelY, escape(mark.label()), (mark.fromMillis() - start) / 1000, (mark.toMillis() - start) / 1000));
      row++;
    }
    // axes and grid
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>%n",
        LEFT, TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight));
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"black\"/>%n",
        LEFT, TOP, LEFT, TOP + plotHeight));
    int stepSeconds = seconds <= 60 ? 5 : seconds <= 180 ? 10 : 30;
    for (int s = 0; s <= seconds; s += stepSeconds) {
      double x = LEFT + s / seconds * plotWidth;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>"
          + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>%n", x, TOP + plotHeight, x,
          TOP + plotHeight + 4, x, TOP + plotHeight + 17, s));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">seconds since the "
        + "first order</text>%n", LEFT + plotWidth / 2, TOP + plotHeight + 31));
    int yStep = niceStep(top);
    for (int y = 0; y <= top; y += yStep) {
      double py = TOP + plotHeight - (double) y / top * plotHeight;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>%n", LEFT, py, LEFT + plotWidth, py, LEFT - 6,
          py + 4, y));
    }
    // the three series
    line(svg, placed, top, seconds, plotWidth, plotHeight, "#1a73e8", "placed");
    line(svg, completed, top, seconds, plotWidth, plotHeight, "#188038", "completed");
    line(svg, cancelled, top, seconds, plotWidth, plotHeight, "#d93025", "cancelled (compensated)");
    String[][] legend = {{"#1a73e8", "placed " + placed.length}, {"#188038", "completed " + completed.length},
        {"#d93025", "cancelled (compensated) " + cancelled.length}};
    for (int i = 0; i < legend.length; i++) {
      double x = LEFT + 10 + 230 * i;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
          + "stroke-width=\"3\"/><text x=\"%.1f\" y=\"%d\">%s</text>%n", x, TOP + 12, x + 24, TOP + 12, legend[i][0],
          x + 30, TOP + 16, legend[i][1]));
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private interface Time {
    double of(double[] order);
  }

  /** Seconds from the start at which each order reached the point, in order. */
  private static double[] sortedSeconds(List<double[]> orders, double start, Time time) {
    double[] seconds = orders.stream().mapToDouble(order -> (time.of(order) - start) / 1000).toArray();
    Arrays.sort(seconds);
    return seconds;
  }

  /** A cumulative step line, one point per tenth of a second at most. */
  private static void line(StringBuilder svg, double[] times, int top, double seconds, double plotWidth,
      double plotHeight, String colour, String title) {
    StringBuilder points = new StringBuilder();
    points.append(String.format(Locale.ROOT, "%.1f,%.1f", (double) LEFT, TOP + plotHeight));
    int count = 0;
    double lastX = LEFT;
    for (int i = 0; i < times.length; i++) {
      count++;
      double x = LEFT + times[i] / seconds * plotWidth;
      if (i + 1 < times.length && x - lastX < 1) {
        continue;
      }
      double y = TOP + plotHeight - (double) count / top * plotHeight;
      points.append(String.format(Locale.ROOT, " %.1f,%.1f", x, y));
      lastX = x;
    }
    points.append(String.format(Locale.ROOT, " %.1f,%.1f", LEFT + plotWidth,
        TOP + plotHeight - (double) count / top * plotHeight));
    svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\">"
        + "<title>%s</title></polyline>%n", colour, points, escape(title)));
  }

  private static int niceStep(int top) {
    int raw = Math.max(1, top / 5);
    int magnitude = (int) Math.pow(10, Math.floor(Math.log10(raw)));
    for (int factor : new int[] {1, 2, 5, 10}) {
      if (raw <= factor * magnitude) {
        return factor * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
