# SPDX-License-Identifier: GPL-2.0
#
# report.awk: turn what guest/bench-guest.sh printed into the benchmark's
# files (scripts/bench runs it). Variables: dir (the output directory),
# ratios and figures (the specs in scripts/bench). Writes results.csv,
# results.json, table.txt, depth.dat and siblings.dat into dir.

function jstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	gsub(/\t/, " ", s)
	return "\"" s "\""
}

# The value of "<id>:<figure>" (its fastest round, or with m its median),
# of a memory figure, or "page"; "" if none.
function value(k, m) {
	if (k == "page")
		return pagesize
	if (!m && (k in mn))
		return mn[k]
	if (k in med)
		return med[k]
	return ""
}

# Is "<id>:<figure>" noisy: a median above 1.5x the fastest round?
function noisy(k) {
	return (k in mn) && mn[k] > 0 && med[k] > 1.5 * mn[k]
}

function fmt(v) {
	if (v == "")
		return "-"
	if (v >= 100)
		return sprintf("%.1f", v)
	if (v >= 1)
		return sprintf("%.2f", v)
	return sprintf("%.4f", v)
}

# Does value v meet goal g (">=20", "<=2")?
function meets(v, g,    op, x) {
	op = substr(g, 1, 2)
	x = substr(g, 3) + 0
	return op == ">=" ? v >= x : v <= x
}

BEGIN {
	pagesize = 4096
	nfig = 0
}

# A "<tag> <key> <value...>" line into meta[prefix key].
function metaline(prefix,    k) {
	k = prefix $2
	$1 = ""
	$2 = ""
	sub(/^ +/, "")
	meta[k] = $0
	metakeys[++nmeta] = k
}

/^META / { metaline(""); next }

/^RESULT / {
	id = substr($2, 4)
	k = id ":" $3
	keys = ""
	for (i = 4; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[1] == "median")
			med[k] = kv[2] + 0
		else if (kv[1] == "min")
			mn[k] = kv[2] + 0
		else if (kv[1] == "max")
			mx[k] = kv[2] + 0
		else if (kv[1] == "rounds")
			rounds[k] = kv[2] + 0
		else if (kv[1] == "pages")
			pages[k] = kv[2] + 0
		else
			keys = keys (keys == "" ? "" : ";") $i
	}
	kkeys[k] = keys
	if (!(k in seen)) {
		seen[k] = 1
		order[++nfig] = k
	}
	next
}

/^MEM / {
	id = substr($2, 4)
	memkeys = ""
	for (i = 3; i <= NF; i++) {
		split($i, kv, "=")
		mem[id, kv[1]] = kv[2]
		memkeys = memkeys (memkeys == "" ? "" : ";") $i
		if (kv[1] == "page_size" && kv[2] != "")
			pagesize = kv[2] + 0
	}
	memline[++nmem] = id
	memall[id] = memkeys
	if ((id, "bytes_per_page") in mem)
		med[id ":bytes_per_page"] = mem[id, "bytes_per_page"] + 0
	next
}

/^CAL / { cal[$2] = $3; if (!($2 in calseen)) { calseen[$2] = 1; calorder[++ncal] = $2 }; next }
/^CAL-HOST / { calhost[$2] = $3; next }
/^HOST / { metaline("host_"); next }

/^# FAIL / { failures = failures $0 "\n" }

END {
	csv = dir "/results.csv"
	json = dir "/results.json"
	table = dir "/table.txt"

	# --- CSV
	print "id,figure,median_ns_per_page,min_ns_per_page,max_ns_per_page,rounds,pages_per_round,keys" > csv
	for (i = 1; i <= nfig; i++) {
		k = order[i]
		split(k, p, ":")
		printf "%s,%s,%s,%s,%s,%s,%s,%s\n", p[1], p[2], med[k], mn[k],
			mx[k], rounds[k], pages[k], kkeys[k] > csv
	}
	for (i = 1; i <= nmem; i++) {
		id = memline[i]
		if ((id, "bytes_per_page") in mem)
			printf "%s,bytes_per_page,%s,,,,%s,%s\n", id,
				mem[id, "bytes_per_page"], mem[id, "pages"], memall[id] > csv
		if ((id, "bytes_per_sibling") in mem)
			printf "%s,bytes_per_sibling,%s,,,,%s,%s\n", id,
				mem[id, "bytes_per_sibling"], mem[id, "siblings"], memall[id] > csv
	}

	# --- ratios
	n = split(ratios, rl, "\n")
	nr = 0
	for (i = 1; i <= n; i++) {
		if (rl[i] == "")
			continue
		split(rl[i], f, "|")
		a = value(f[3])
		b = value(f[4])
		if (a == "" || b == "" || b == 0)
			continue
		am = value(f[3], 1)
		bm = value(f[4], 1)
		nr++
		rvalm[nr] = bm > 0 ? am / bm : 0
		rnoisy[nr] = noisy(f[3]) || noisy(f[4])
		rname[nr] = f[1]
		rlabel[nr] = f[2]
		rnum[nr] = f[3]
		rden[nr] = f[4]
		rbetter[nr] = f[5]
		rgoal[nr] = f[6]
		rsect[nr] = f[7]
		rval[nr] = a / b
	}

	# --- JSON
	printf "{\n  \"meta\": {" > json
	for (i = 1; i <= nmeta; i++)
		printf "%s\n    %s: %s", (i > 1 ? "," : ""), jstr(metakeys[i]),
			jstr(meta[metakeys[i]]) > json
	printf "\n  },\n  \"figures\": [" > json
	for (i = 1; i <= nfig; i++) {
		k = order[i]
		split(k, p, ":")
		printf "%s\n    {\"id\": %s, \"figure\": %s, \"median\": %s, \"min\": %s, \"max\": %s, \"rounds\": %d, \"pages\": %d, \"keys\": %s}",
			(i > 1 ? "," : ""), jstr(p[1]), jstr(p[2]), med[k], mn[k],
			mx[k], rounds[k], pages[k], jstr(kkeys[k]) > json
	}
	printf "\n  ],\n  \"memory\": [" > json
	for (i = 1; i <= nmem; i++)
		printf "%s\n    {\"id\": %s, \"values\": %s}", (i > 1 ? "," : ""),
			jstr(memline[i]), jstr(memall[memline[i]]) > json
	printf "\n  ],\n  \"calibration\": [" > json
	for (i = 1; i <= ncal; i++)
		printf "%s\n    {\"name\": %s, \"guest_ns\": %s, \"host_ns\": %s}",
			(i > 1 ? "," : ""), jstr(calorder[i]), cal[calorder[i]],
			(calorder[i] in calhost ? calhost[calorder[i]] : "null") > json
	printf "\n  ],\n  \"ratios\": [" > json
	for (i = 1; i <= nr; i++) {
		met = rgoal[i] == "" ? "null" : (meets(rval[i], rgoal[i]) ? "true" : "false")
		printf "%s\n    {\"name\": %s, \"label\": %s, \"value\": %.6g, \"value_of_medians\": %.6g, \"noisy\": %s, \"better\": %s, \"goal\": %s, \"met\": %s, \"of\": %s, \"to\": %s}",
			(i > 1 ? "," : ""), jstr(rname[i]), jstr(rlabel[i]), rval[i],
			rvalm[i], (rnoisy[i] ? "true" : "false"), jstr(rbetter[i]),
			(rgoal[i] == "" ? "null" : jstr(rgoal[i])), met,
			jstr(rnum[i]), jstr(rden[i]) > json
	}
	printf "\n  ]\n}\n" > json

	# --- the table
	printf "lrupool benchmark: kernel %s, %s\n", meta["kernel"], meta["cpu_model"] > table
	printf "CPUs %s, online for the run: %s; %d MB; clocksource %s; %s\n",
		meta["cpus"], meta["cpus_online"], meta["memory_kb"] / 1024,
		meta["clocksource"], meta["date"] > table
	if ("host_load_before" in meta)
		printf "Host: %s CPUs, load average before the run %s, after %s\n",
			meta["host_cpus"], meta["host_load_before"],
			meta["host_load_after"] > table
	if (meta["clock"] ~ /^icount/)
		print "Clock: guest instructions (QEMU -icount, " substr(meta["clock"], 8) ": 1 ns a guest instruction)" > table
	else if (meta["clock"] == "wall")
		print "Clock: the host's wall clock" > table
	if (meta["quick"] == 1)
		print "QUICK RUN: a smoke test, the figures are not comparable" > table
	print "Figures: ns per page; median, fastest and slowest of the rounds; * marks a" > table
	print "median above 1.5x the fastest round (the host preempted the guest's vCPU)." > table
	print "Ratios compare figures of this run only, by their fastest rounds (the rounds" > table
	print "least disturbed by the host); the ratio of the medians follows in brackets." > table
	n = split(figures, fl, "\n")
	sect = ""
	for (i = 1; i <= n; i++) {
		if (fl[i] == "")
			continue
		split(fl[i], f, "|")
		k = f[1]
		if (!(k in med))
			continue
		if (f[3] != sect) {
			sect = f[3]
			printf "\n%-58s %10s %10s %10s\n", sect, "median", "min", "max" > table
		}
		printf "  %-56s %10s%s%10s %10s\n", f[2], fmt(med[k]),
			(noisy(k) ? "*" : " "), fmt(mn[k]), fmt(mx[k]) > table
	}
	if ("shrink.wb.o0:shrink" in med) {
		printf "\n%-58s %10s\n", "The shrinker's throughput", "pages/s" > table
		split("wb.o0 wb.o9 wc.o0 wc.o9 uc.o0", sk, " ")
		for (i = 1; i <= 5; i++) {
			k = "shrink." sk[i] ":shrink"
			if ((k in med) && med[k] > 0)
				printf "  %-56s %10.0f\n", "scan, " sk[i], 1e9 / med[k] > table
		}
	}

	printf "\n%-70s %8s %10s %6s %4s\n", "Targets", "value",
		"(medians)", "goal", "met" > table
	for (i = 1; i <= nr; i++) {
		if (rsect[i] != "targets")
			continue
		v = rval[i]
		if (rname[i] == "t.mem") {
			shown = sprintf("%.2f%%", v * 100)
			shownm = ""
			goal = "<=1%"
		} else {
			shown = sprintf("%.2f", v)
			shownm = sprintf("(%.2f)", rvalm[i])
			goal = rgoal[i]
		}
		printf "  %-68s %8s %10s %6s %4s\n", rlabel[i], shown, shownm, goal,
			(meets(v, rgoal[i]) ? "yes" : "NO") > table
	}
	sect = ""
	for (i = 1; i <= nr; i++) {
		if (rsect[i] == "targets" || rsect[i] == "ttm")
			continue
		if (sect == "")
			printf "\n%-70s %8s %10s\n", "Other ratios", "value",
				"(medians)" > table
		sect = rsect[i]
		printf "  %-68s %8.2f %10s\n", rlabel[i], rval[i],
			sprintf("(%.2f)", rvalm[i]) > table
	}
	hdr = 0
	for (i = 1; i <= nr; i++) {
		if (rsect[i] != "ttm")
			continue
		if (!hdr++)
			printf "\n%-50s %10s %10s %12s %10s %5s\n", "lrupool and DRM TTM (ns per page, fastest round)",
				"lrupool", "TTM", "lrupool/TTM", "(medians)", "<=1" > table
		label = rlabel[i]
		sub(/^lrupool\/TTM, /, "", label)
		printf "  %-48s %10s %10s %12.3f %10s %5s\n", label, fmt(value(rnum[i])),
			fmt(value(rden[i])), rval[i], sprintf("(%.3f)", rvalm[i]),
			(rgoal[i] == "" ? "" : (meets(rval[i], rgoal[i]) ? "yes" : "NO")) > table
	}
	if (nmem) {
		printf "\nMemory (measured in the memcg's memory.stat and in /proc/meminfo)\n" > table
		if (("mem.slab", "bytes_per_page") in mem)
			printf "  bookkeeping per pooled order-0 page: slab %s B, all charged kmem but the pages %s B (%d pages pooled)\n",
				mem["mem.slab", "bytes_per_page"],
				mem["mem.kernel", "bytes_per_page"], mem["mem.slab", "pages"] > table
		for (i = 1; i <= nmem; i++)
			if ((memline[i], "bytes_per_sibling") in mem)
				printf "  slab per new sibling cgroup that pools 1 page and 1 object: %s B (%s siblings)\n",
					mem[memline[i], "bytes_per_sibling"],
					mem[memline[i], "siblings"] > table
	}
	if (ncal) {
		printf "\n%-50s %10s %10s %10s\n", "Emulation: the same user-space loops (bench/tcgcal.c)",
			"guest ns", "host ns", "guest/host" > table
		for (i = 1; i <= ncal; i++) {
			c = calorder[i]
			h = (c in calhost) ? calhost[c] : ""
			printf "  %-48s %10s %10s %10s\n", c, fmt(cal[c]), fmt(h),
				(h > 0 ? fmt(cal[c] / h) : "-") > table
		}
	}
	if (failures != "")
		printf "\n%s", failures > table

	# --- the plot's data
	dep = dir "/depth.dat"
	printf "" > dep
	split("0 1 2 4 8", dl, " ")
	for (i = 1; i <= 5; i++) {
		k = "depth" dl[i]
		if ((k ":hit") in mn)
			printf "%s %s %s\n", dl[i], mn[k ":hit"], mn[k ":hit_take"] > dep
	}
	sib = dir "/siblings.dat"
	printf "" > sib
	split("1 10 100 1000 10000", sl, " ")
	for (i = 1; i <= 5; i++) {
		k = "sib" sl[i] ":hit"
		o = "objsib" sl[i] ":objhit"
		if ((k in mn) || (o in mn))
			printf "%s %s %s\n", sl[i], (k in mn ? mn[k] : "NaN"),
				(o in mn ? mn[o] : "NaN") > sib
	}
}
