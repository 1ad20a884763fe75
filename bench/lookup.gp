# SPDX-License-Identifier: GPL-2.0
#
# lookup.gp: lrupool's lookup cost against ancestor depth and against the
# number of sibling cgroups holding pooled pages, from the depth.dat and
# siblings.dat that bench/report.awk writes. Run as
#	gnuplot -e "dir='<output directory>'" bench/lookup.gp

set terminal pngcairo size 1100,450 font ",10"
set output dir . "/lookup.png"
set multiplot layout 1,2 title "lrupool: a pool hit (lrupool\\_take + lrupool\\_give, one page per lookup), ns per page, fastest round"
set grid
set key top left
set yrange [0:*]

set title "pages pooled only at the top of a chain of d cgroups"
set xlabel "ancestor depth d (the lookup starts d levels below the pages)"
set ylabel "ns per page"
set xtics (0, 1, 2, 4, 8)
plot dir . "/depth.dat" using 1:2 with linespoints lw 2 pt 7 title "take + give", \
	"" using 1:3 with linespoints lw 2 pt 5 title "take"

set title "own list, with N cgroups holding pooled pages and objects"
set xlabel "cgroups holding pooled pages (N)"
set logscale x
set xtics (1, 10, 100, 1000, 10000)
plot dir . "/siblings.dat" using 1:2 with linespoints lw 2 pt 7 title "pages", \
	"" using 1:3 with linespoints lw 2 pt 5 title "objects"
unset multiplot
