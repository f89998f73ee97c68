# toolchain.sh — sourced by ./letterbox and ./run-tests: finds a JDK 21+ and Maven.
# Order for the JDK: $JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/* (newest first).
# Maven: `mvn` on PATH when it is 3.6.3 or newer, else a pinned Apache Maven fetched once from
# Maven Central into ~/.cache/letterbox/ (the only download the scripts ever make).

LETTERBOX_MIN_JAVA=21
LETTERBOX_MAVEN_VERSION=3.9.11

lb_die() { printf 'letterbox: %s\n' "$*" >&2; exit 1; }

# Major version of the JDK at $1 (a JAVA_HOME), or nothing when it is not a JDK we can run.
lb_java_major() {
    local home=$1 line v
    [ -x "$home/bin/java" ] || return 1
    line=$("$home/bin/java" -version 2>&1 | head -n 1) || return 1
    v=$(printf '%s' "$line" | sed -n 's/.*version "\([0-9][0-9]*\)\(\.[0-9][0-9]*\)*.*".*/\1/p')
    [ "$v" = 1 ] && v=$(printf '%s' "$line" | sed -n 's/.*version "1\.\([0-9][0-9]*\).*/\1/p')
    [ -n "$v" ] && printf '%s\n' "$v"
}

# Sets LB_JAVA_HOME to the first JDK 21+ found; $1=need_javac (1 when we must compile).
lb_find_jdk() {
    local need_javac=${1:-1} candidates=() c java_on_path major seen=""
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    if java_on_path=$(command -v java 2>/dev/null); then
        java_on_path=$(readlink -f "$java_on_path")
        candidates+=("${java_on_path%/bin/java}")
    fi
    if [ -d /usr/lib/jvm ]; then
        # newest first: sort by the number in the directory name, highest first
        while IFS= read -r c; do candidates+=("$c"); done < <(
            for d in /usr/lib/jvm/*/; do d=${d%/}; [ -L "$d" ] && continue; printf '%s\n' "$d"; done |
            awk '{ n=$0; sub(/^[^0-9]*/, "", n); sub(/[^0-9].*$/, "", n); print (n==""?0:n) "\t" $0 }' |
            sort -t "$(printf '\t')" -k1,1nr | cut -f2-)
    fi
    for c in "${candidates[@]}"; do
        case " $seen " in *" $c "*) continue ;; esac
        seen="$seen $c"
        major=$(lb_java_major "$c") || continue
        [ "$major" -ge "$LETTERBOX_MIN_JAVA" ] 2>/dev/null || continue
        if [ "$need_javac" = 1 ] && [ ! -x "$c/bin/javac" ]; then continue; fi
        LB_JAVA_HOME=$c
        # Maven's bundled Guava warns about sun.misc.Unsafe on JDK 24+; the warning is noise here.
        if [ "$major" -ge 24 ]; then
            case " ${MAVEN_OPTS:-} " in *sun-misc-unsafe*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;; esac
        fi
        return 0
    done
    lb_die "no JDK $LETTERBOX_MIN_JAVA or newer found (looked at \$JAVA_HOME, java on PATH, /usr/lib/jvm/*).
Install one (Debian: apt-get install openjdk-21-jdk-headless, or any JDK 21+ from adoptium.net)
and/or point JAVA_HOME at it."
}

# Sets LB_MVN to a Maven 3.6.3+ command.
lb_find_maven() {
    local v
    if command -v mvn >/dev/null 2>&1; then
        v=$(JAVA_HOME=$LB_JAVA_HOME mvn -v 2>/dev/null | sed -n 's/.*Apache Maven \([0-9.]*\).*/\1/p' | head -n 1)
        if [ -n "$v" ] && printf '3.6.3\n%s\n' "$v" | sort -V -C; then LB_MVN=mvn; return 0; fi
    fi
    local dir=${XDG_CACHE_HOME:-$HOME/.cache}/letterbox/apache-maven-$LETTERBOX_MAVEN_VERSION
    if [ ! -x "$dir/bin/mvn" ]; then
        local url="https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/$LETTERBOX_MAVEN_VERSION/apache-maven-$LETTERBOX_MAVEN_VERSION-bin.tar.gz"
        printf 'letterbox: Maven not found; fetching Apache Maven %s from Maven Central\n' "$LETTERBOX_MAVEN_VERSION" >&2
        mkdir -p "${dir%/*}" || lb_die "cannot create ${dir%/*}"
        local tmp; tmp=$(mktemp -d "${dir%/*}/.fetch.XXXXXX")
        if command -v curl >/dev/null 2>&1; then curl -fsSL "$url" -o "$tmp/m.tgz"
        elif command -v wget >/dev/null 2>&1; then wget -q "$url" -O "$tmp/m.tgz"
        else lb_die "need curl or wget to fetch Maven (or install Maven 3.6.3+ yourself)"; fi || lb_die "could not download $url"
        tar -xzf "$tmp/m.tgz" -C "$tmp" && mv "$tmp/apache-maven-$LETTERBOX_MAVEN_VERSION" "$dir" 2>/dev/null
        rm -rf "$tmp"
        [ -x "$dir/bin/mvn" ] || lb_die "could not unpack Maven into $dir"
    fi
    LB_MVN=$dir/bin/mvn
}
