#!/usr/bin/env bash
# Start / stop / inspect a throw-away single-node SLURM cluster on this machine,
# built from Debian's packages (slurmctld, slurmd, slurm-client, munge), for the
# workflow tests that exercise Snakemake's slurm executor plugin.
#
# Usage:
#   scripts/slurm_cluster.sh start  [STATE_DIR]   # install (if needed), configure, start, smoke-test
#   scripts/slurm_cluster.sh stop   [STATE_DIR]   # cancel jobs, stop slurmd/slurmctld/munged
#   scripts/slurm_cluster.sh status [STATE_DIR]   # print daemon pids, sinfo and squeue
#
# STATE_DIR defaults to $SLURM_CLUSTER_STATE_DIR or /tmp/codescale-slurm.  Everything
# lives there: slurm.conf, munge key + socket, spool/state dirs, logs, pid files and
# env.sh.  Client commands (sbatch, squeue, scontrol, sinfo, srun, and snakemake's
# slurm executor, which calls them) need SLURM_CONF; after `start` do
#     source STATE_DIR/env.sh        # exports SLURM_CONF=STATE_DIR/slurm.conf
#
# Exit codes: 0 ok; 77 = cannot run here (not root / no apt and no slurm binaries),
# so test suites can skip; anything else = real failure (logs are printed).
#
# Design notes:
#  * No systemd: the daemons are started directly. slurmctld/slurmd run as root
#    (SlurmUser=root; slurmd must be root anyway), munged runs as the `munge` user
#    (its key file must be owned by the uid munged runs as, mode 0400/0600, and
#    neither the key dir nor the socket dir may be group/other-writable).
#  * A private munge socket (STATE_DIR/munge/run/munge.socket.2) is used and handed
#    to Slurm through `AuthInfo=socket=...` (honoured by auth/munge and cred/munge),
#    so a system-wide munged, if any, is neither needed nor disturbed.
#  * No cgroups (proctrack/linuxproc, task/none), no accounting (no slurmdbd):
#    `sacct` does NOT work on this cluster; use `squeue` for job status.
#    MinJobAge is large so finished jobs stay visible to `squeue --states=all`
#    (snakemake-executor-plugin-slurm only honours --slurm-status-command=squeue when
#    MinJobAge >= 3 * --slurm-init-seconds-before-status-checks).
#
# Tunables (environment): SLURM_CLUSTER_NAME (codescale), SLURM_PARTITION (debug),
# SLURMCTLD_PORT (6817), SLURMD_PORT (6818), SLURM_MIN_JOB_AGE (3600),
# SLURM_START_TIMEOUT (60 seconds).
set -euo pipefail

PROG=$(basename "$0")
CMD=${1:-}
STATE_DIR=${2:-${SLURM_CLUSTER_STATE_DIR:-/tmp/codescale-slurm}}

CLUSTER_NAME=${SLURM_CLUSTER_NAME:-codescale}
PARTITION=${SLURM_PARTITION:-debug}
CTLD_PORT=${SLURMCTLD_PORT:-6817}
SLURMD_PORT=${SLURMD_PORT:-6818}
MIN_JOB_AGE=${SLURM_MIN_JOB_AGE:-3600}
START_TIMEOUT=${SLURM_START_TIMEOUT:-60}

log() { printf '[%s] %s\n' "$PROG" "$*"; }
err() { printf '[%s] ERROR: %s\n' "$PROG" "$*" >&2; }
skip() { printf '[%s] SKIP: %s\n' "$PROG" "$*" >&2; exit 77; }

usage() {
    cat <<EOF
Usage: $PROG start|stop|status [STATE_DIR]
  start   install slurmctld/slurmd/slurm-client/munge if missing, write STATE_DIR/slurm.conf,
          start munged, slurmctld and slurmd, wait for the node to be idle, run 'srun hostname'
  stop    cancel remaining jobs and stop slurmd, slurmctld and munged (no-op if not running)
  status  show daemon pids, sinfo and squeue
STATE_DIR defaults to \${SLURM_CLUSTER_STATE_DIR:-/tmp/codescale-slurm}.
After start:  source STATE_DIR/env.sh   (exports SLURM_CONF)
Exit code 77: cannot run on this machine (not root, or no apt and no slurm) -> skip tests.
EOF
}

# ---------------------------------------------------------------- paths
case "$STATE_DIR" in
    /*) ;;
    *) STATE_DIR="$(pwd)/$STATE_DIR" ;;
esac
CONF="$STATE_DIR/slurm.conf"
ENV_FILE="$STATE_DIR/env.sh"
LOG_DIR="$STATE_DIR/log"
RUN_DIR="$STATE_DIR/run"
SPOOL_DIR="$STATE_DIR/spool/slurmd"
STATE_SAVE="$STATE_DIR/state/slurmctld"
MUNGE_DIR="$STATE_DIR/munge"
MUNGE_KEY="$MUNGE_DIR/etc/munge.key"
MUNGE_SOCK_DIR="$MUNGE_DIR/run"
MUNGE_SOCKET="$MUNGE_SOCK_DIR/munge.socket.2"
MUNGE_PID="$MUNGE_SOCK_DIR/munged.pid"
MUNGE_LOG="$MUNGE_DIR/log/munged.log"
MUNGE_SEED="$MUNGE_DIR/lib/munged.seed"
CTLD_PID="$RUN_DIR/slurmctld.pid"
SLURMD_PID="$RUN_DIR/slurmd.pid"
CTLD_LOG="$LOG_DIR/slurmctld.log"
SLURMD_LOG="$LOG_DIR/slurmd.log"
NODE_FILE="$STATE_DIR/nodename"
# Compiled-in default config path of Debian's slurm (see `scontrol show config | grep SLURM_CONF`
# without SLURM_CONF set).  Needed because snakemake-executor-plugin-slurm-jobstep strips ALL
# SLURM_* variables (SLURM_CONF included) before it runs `srun` inside the batch job, so that
# inner srun only finds the config through the default path.
DEFAULT_CONF=${SLURM_DEFAULT_CONF_PATH:-/etc/slurm/slurm.conf}

export SLURM_CONF="$CONF"

# ---------------------------------------------------------------- helpers
pid_of() { # pidfile -> pid if the process is alive
    local f=$1 p
    [[ -s $f ]] || return 1
    p=$(tr -dc '0-9' <"$f")
    [[ -n $p ]] && kill -0 "$p" 2>/dev/null || return 1
    # a zombie (exited, not yet reaped by PID 1) is not running
    [[ $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) == Z ]] && return 1
    echo "$p"
}

wait_gone() { # pid timeout_s
    local pid=$1 t=$2 i
    for ((i = 0; i < t * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        # a zombie child of ours counts as gone
        [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && return 0
        sleep 0.1
    done
    return 1
}

stop_pid() { # name pidfile
    local name=$1 f=$2 pid
    if pid=$(pid_of "$f"); then
        log "stopping $name (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        if ! wait_gone "$pid" 20; then
            log "$name (pid $pid) did not exit after 20s, sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            wait_gone "$pid" 5 || err "$name (pid $pid) still alive"
        fi
    else
        log "$name not running"
    fi
    rm -f "$f"
}

# slurmstepd processes belonging to *this* cluster: they inherit SLURM_CONF from the
# slurmd we started (the marker is exact, so other clusters/processes are untouched).
our_stepd_pids() {
    local p
    for p in $(pgrep -x slurmstepd 2>/dev/null || true); do
        [[ $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) == Z ]] && continue
        if { tr '\0' '\n' <"/proc/$p/environ"; } 2>/dev/null | grep -qxF "SLURM_CONF=$CONF"; then
            echo "$p"
        fi
    done
}

# Job processes of *this* cluster (orphaned when slurmd/slurmstepd died uncleanly):
# they carry both SLURM_CONF=<our conf> and SLURM_JOB_ID in their environment.  The
# caller's own process chain is excluded (a shell that sourced env.sh has SLURM_CONF
# but normally no SLURM_JOB_ID; if it runs inside one of our jobs it must survive).
our_job_pids() {
    local p envs ancestors=" " a=$$
    while [[ -n $a && $a -gt 1 ]]; do
        ancestors+="$a "
        a=$(awk '{print $4}' "/proc/$a/stat" 2>/dev/null || true)
    done
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [[ $ancestors == *" $p "* ]] && continue
        envs=$({ tr '\0' '\n' <"/proc/$p/environ"; } 2>/dev/null || true)
        [[ -n $envs ]] || continue
        grep -qxF "SLURM_CONF=$CONF" <<<"$envs" || continue
        grep -q '^SLURM_JOB_ID=' <<<"$envs" || continue
        [[ $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) == Z ]] && continue
        echo "$p"
    done
}

show_logs() {
    local f
    for f in "$MUNGE_LOG" "$CTLD_LOG" "$SLURMD_LOG"; do
        [[ -f $f ]] || continue
        echo "----- tail -n 30 $f" >&2
        tail -n 30 "$f" >&2 || true
    done
}

die() { err "$*"; show_logs; exit 1; }

require_root() {
    [[ $(id -u) -eq 0 ]] || skip "must run as root (slurmd and munged setup need it); current uid $(id -u)"
}

have_slurm() {
    command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
        command -v sbatch >/dev/null && command -v munged >/dev/null &&
        command -v mungekey >/dev/null
}

install_packages() {
    have_slurm && return 0
    command -v apt-get >/dev/null || skip "slurm is not installed and apt-get is unavailable"
    local pkgs=(slurmctld slurmd slurm-client munge)
    log "installing ${pkgs[*]} with apt-get (configured sources only)"
    export DEBIAN_FRONTEND=noninteractive
    local out="$STATE_DIR/apt-install.log"
    mkdir -p "$STATE_DIR"
    if ! apt-get install -y --no-install-recommends "${pkgs[@]}" >"$out" 2>&1; then
        if grep -qiE "Unable to locate package|has no installation candidate|Failed to fetch|404" "$out"; then
            log "package lists missing or stale; running apt-get update"
            apt-get update >>"$out" 2>&1 || { tail -n 20 "$out" >&2; skip "apt-get update failed"; }
            apt-get install -y --no-install-recommends "${pkgs[@]}" >>"$out" 2>&1 ||
                { tail -n 20 "$out" >&2; skip "apt-get install ${pkgs[*]} failed"; }
        else
            tail -n 20 "$out" >&2
            skip "apt-get install ${pkgs[*]} failed"
        fi
    fi
    have_slurm || skip "slurm binaries still missing after apt-get install"
    log "installed: $(slurmctld -V 2>&1), munge $(dpkg-query -W -f='${Version}' munge 2>/dev/null || echo '?')"
}

# ---------------------------------------------------------------- config
write_conf() {
    local node cpus_line mem_total real_mem
    node=$(hostname -s)
    [[ -n $node ]] || node=localhost
    # Use the hardware topology slurmd itself detects, so slurmctld does not drain the
    # node for "Low socket*core*thread count" on hyper-threaded machines.
    cpus_line=$(slurmd -C 2>/dev/null | head -n1 |
        grep -oE '(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore)=[0-9]+' | tr '\n' ' ' || true)
    [[ -n $cpus_line ]] || cpus_line="CPUs=$(nproc)"
    mem_total=$(free -m | awk '/^Mem:/ {print $2}')
    # keep a margin: 10% but at least 512 MB (and never below 256 MB)
    real_mem=$((mem_total - (mem_total / 10 > 512 ? mem_total / 10 : 512)))
    ((real_mem >= 256)) || real_mem=256

    echo "$node" >"$NODE_FILE"
    cat >"$CONF" <<EOF
# Generated by $PROG on $(date -Is). Single-node test cluster; do not use in production.
ClusterName=$CLUSTER_NAME
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=256
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
# keep finished jobs visible to 'squeue --states=all' (snakemake slurm plugin status checks)
MinJobAge=$MIN_JOB_AGE
MaxJobCount=100000
# reject jobs that can never run (e.g. more CPUs/memory than the node) at submit time
EnforcePartLimits=ALL
MaxArraySize=10001
KillWait=5
InactiveLimit=0
Waittime=0
SlurmctldTimeout=30
SlurmdTimeout=60
MessageTimeout=30
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmdSpoolDir=$SPOOL_DIR
StateSaveLocation=$STATE_SAVE
SlurmctldLogFile=$CTLD_LOG
SlurmdLogFile=$SLURMD_LOG
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$STATE_DIR/plugstack.conf
NodeName=$node NodeAddr=127.0.0.1 NodeHostname=$node ${cpus_line}RealMemory=$real_mem State=UNKNOWN
PartitionName=$PARTITION Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
# the partition names profiles/slurm asks for, on the same node
PartitionName=cpu Nodes=$node MaxTime=INFINITE State=UP OverSubscribe=NO
PartitionName=gpu Nodes=$node MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
    : >"$STATE_DIR/plugstack.conf"
    cat >"$ENV_FILE" <<EOF
# source this file to talk to the test SLURM cluster started by $PROG
export SLURM_CONF=$CONF
EOF
    log "wrote $CONF (node $node: ${cpus_line}RealMemory=${real_mem}MB, partition $PARTITION)"
}

# Point the compiled-in default path at our slurm.conf (symlink), unless a real,
# foreign slurm.conf lives there.
link_default_conf() {
    local cur
    if [[ -L $DEFAULT_CONF ]]; then
        cur=$(readlink "$DEFAULT_CONF")
        if [[ $cur != "$CONF" ]]; then
            if [[ -e $cur ]]; then
                log "WARNING: $DEFAULT_CONF -> $cur (another cluster?); replacing it with a link to $CONF"
            fi
            ln -sfn "$CONF" "$DEFAULT_CONF"
        fi
    elif [[ -e $DEFAULT_CONF ]]; then
        log "WARNING: $DEFAULT_CONF is a regular file, leaving it alone; srun inside jobs submitted by"
        log "         snakemake's slurm executor (which drops SLURM_CONF) will use THAT config, not $CONF"
        return 0
    else
        mkdir -p "$(dirname "$DEFAULT_CONF")"
        ln -s "$CONF" "$DEFAULT_CONF"
    fi
    log "linked $DEFAULT_CONF -> $CONF"
}

unlink_default_conf() {
    if [[ -L $DEFAULT_CONF && $(readlink "$DEFAULT_CONF") == "$CONF" ]]; then
        rm -f "$DEFAULT_CONF"
        log "removed link $DEFAULT_CONF"
    fi
}

# ---------------------------------------------------------------- munge
start_munge() {
    if pid_of "$MUNGE_PID" >/dev/null && munge -n -S "$MUNGE_SOCKET" </dev/null | unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1; then
        log "munged already running (pid $(pid_of "$MUNGE_PID"))"
        return 0
    fi
    id munge >/dev/null 2>&1 || die "user 'munge' does not exist (is the munge package installed?)"
    install -d -m 0700 -o munge -g munge "$MUNGE_DIR" "$MUNGE_DIR/etc" "$MUNGE_DIR/log" "$MUNGE_DIR/lib"
    install -d -m 0755 -o munge -g munge "$MUNGE_SOCK_DIR"
    if [[ ! -s $MUNGE_KEY ]]; then
        if ! mungekey --create --keyfile="$MUNGE_KEY" >/dev/null 2>&1; then
            dd if=/dev/urandom of="$MUNGE_KEY" bs=1 count=1024 status=none
        fi
    fi
    chown munge:munge "$MUNGE_KEY"
    chmod 0400 "$MUNGE_KEY"
    rm -f "$MUNGE_SOCKET" "$MUNGE_SOCKET.lock" "$MUNGE_PID"
    log "starting munged (socket $MUNGE_SOCKET)"
    runuser -u munge -- munged --force \
        --socket="$MUNGE_SOCKET" --key-file="$MUNGE_KEY" --pid-file="$MUNGE_PID" \
        --log-file="$MUNGE_LOG" --seed-file="$MUNGE_SEED" ||
        die "munged failed to start"
    local i
    for ((i = 0; i < 50; i++)); do
        if munge -n -S "$MUNGE_SOCKET" </dev/null | unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    die "munged does not answer on $MUNGE_SOCKET"
}

# ---------------------------------------------------------------- slurm
port_free() { # port -> 0 if nothing listens on it (or ss is unavailable)
    command -v ss >/dev/null || return 0
    ! ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

node_state() { sinfo -h -N -n "$1" -o '%T' 2>/dev/null | head -n1 || true; }

start_cluster() {
    require_root
    install_packages
    local t0 node
    t0=$(date +%s.%N)
    mkdir -p "$STATE_DIR" "$LOG_DIR" "$RUN_DIR" "$SPOOL_DIR" "$STATE_SAVE"
    chmod 0755 "$STATE_DIR"

    local ctld_pid slurmd_pid
    ctld_pid=$(pid_of "$CTLD_PID" || true)
    slurmd_pid=$(pid_of "$SLURMD_PID" || true)
    if [[ -n $ctld_pid && -n $slurmd_pid && -f $CONF ]]; then
        log "cluster already running (slurmctld $ctld_pid, slurmd $slurmd_pid); not reconfiguring"
    else
        # half-started leftovers: stop them so the fresh config applies to both
        [[ -n $slurmd_pid ]] && stop_pid slurmd "$SLURMD_PID"
        [[ -n $ctld_pid ]] && stop_pid slurmctld "$CTLD_PID"
        write_conf
    fi
    node=$(cat "$NODE_FILE")
    if ! pid_of "$CTLD_PID" >/dev/null; then
        port_free "$CTLD_PORT" || { err "TCP port $CTLD_PORT is already in use (another slurmctld?); set SLURMCTLD_PORT/SLURMD_PORT"; exit 1; }
    fi
    if ! pid_of "$SLURMD_PID" >/dev/null; then
        port_free "$SLURMD_PORT" || { err "TCP port $SLURMD_PORT is already in use (another slurmd?); set SLURMCTLD_PORT/SLURMD_PORT"; exit 1; }
    fi
    link_default_conf

    start_munge

    if ! pid_of "$CTLD_PID" >/dev/null; then
        log "starting slurmctld"
        # -i: ignore errors in recovered state (e.g. after an unclean stop)
        slurmctld -f "$CONF" -i || die "slurmctld failed to start"
    fi
    local i
    for ((i = 0; i < START_TIMEOUT * 5; i++)); do
        scontrol ping 2>/dev/null | grep -q 'is UP' && break
        pid_of "$CTLD_PID" >/dev/null || { sleep 0.5; pid_of "$CTLD_PID" >/dev/null || die "slurmctld exited"; }
        sleep 0.2
    done
    scontrol ping 2>/dev/null | grep -q 'is UP' || die "slurmctld not responding after ${START_TIMEOUT}s"

    if ! pid_of "$SLURMD_PID" >/dev/null; then
        log "starting slurmd -N $node"
        slurmd -f "$CONF" -N "$node" || die "slurmd failed to start"
    fi

    local state=""
    for ((i = 0; i < START_TIMEOUT * 5; i++)); do
        state=$(node_state "$node")
        case "$state" in
            idle | mixed | allocated | completing) break ;;
            drain* | down*)
                # e.g. left drained/down by an earlier unclean run
                scontrol update NodeName="$node" State=RESUME >/dev/null 2>&1 || true ;;
        esac
        pid_of "$SLURMD_PID" >/dev/null || { sleep 0.5; pid_of "$SLURMD_PID" >/dev/null || die "slurmd exited"; }
        sleep 0.2
    done
    case "$state" in
        idle | mixed | allocated | completing) ;;
        *) sinfo -N -l >&2 || true
           scontrol show node "$node" >&2 || true
           die "node $node not usable after ${START_TIMEOUT}s (state '${state:-unknown}')" ;;
    esac
    log "node $node is $state"

    # smoke test: a job step (the snakemake plugin runs every job via srun inside sbatch)
    local out
    if ! out=$(timeout 60 srun -N1 -n1 -t 1 -p "$PARTITION" hostname 2>&1); then
        echo "$out" >&2
        die "smoke test 'srun -N1 hostname' failed"
    fi
    log "smoke test ok: srun -N1 hostname -> $out"
    # what snakemake's slurm executor does: sbatch --wrap "... srun ..." with SLURM_* removed
    # from the environment of the inner srun
    local jid
    jid=$(sbatch --parsable -p "$PARTITION" -t 1 -n 1 -c 1 --mem 64 -J slurm-cluster-smoke \
        -o "$LOG_DIR/smoke-%j.out" \
        --wrap 'env -u SLURM_CONF srun -n1 -N1 --cpu-bind=q true && echo SMOKE-OK') ||
        die "smoke test: sbatch failed"
    for ((i = 0; i < 300; i++)); do
        case $(squeue -h -j "$jid" -t all -o '%T' 2>/dev/null) in
            COMPLETED) break ;;
            FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL)
                cat "$LOG_DIR/smoke-$jid.out" >&2 2>/dev/null || true
                die "smoke test: batch job $jid failed" ;;
        esac
        sleep 0.2
    done
    grep -q SMOKE-OK "$LOG_DIR/smoke-$jid.out" 2>/dev/null ||
        { cat "$LOG_DIR/smoke-$jid.out" >&2 2>/dev/null || true; die "smoke test: batch job $jid did not complete in 60s"; }
    rm -f "$LOG_DIR/smoke-$jid.out"
    log "smoke test ok: sbatch --wrap 'srun true' (without SLURM_CONF) -> job $jid COMPLETED"

    local t1
    t1=$(date +%s.%N)
    log "cluster '$CLUSTER_NAME' is up (start took $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')s)"
    log "client commands need:"
    echo "export SLURM_CONF=$CONF"
    log "(or: source $ENV_FILE)"
}

stop_cluster() {
    [[ $(id -u) -eq 0 ]] || skip "must run as root"
    if [[ ! -d $STATE_DIR ]]; then
        log "no state dir $STATE_DIR; nothing to stop"
        return 0
    fi
    # cancel what is still queued/running so no job processes outlive the cluster
    if pid_of "$CTLD_PID" >/dev/null && command -v squeue >/dev/null; then
        local jobs
        jobs=$(timeout 10 squeue -h -o '%A' 2>/dev/null | tr '\n' ' ' || true)
        if [[ -n ${jobs// /} ]]; then
            log "cancelling jobs: $jobs"
            # shellcheck disable=SC2086
            timeout 10 scancel $jobs 2>/dev/null || true
            local i
            # wait for the jobs to finish (only meaningful while slurmd can kill them)
            for ((i = 0; i < 50; i++)); do
                pid_of "$SLURMD_PID" >/dev/null || break
                [[ -z $(timeout 5 squeue -h -t R,CG,PD -o '%A' 2>/dev/null || true) ]] && break
                sleep 0.2
            done
        fi
    fi
    stop_pid slurmd "$SLURMD_PID"
    local p
    for p in $(our_stepd_pids); do
        log "killing leftover slurmstepd $p"
        kill -TERM "$p" 2>/dev/null || true
        wait_gone "$p" 5 || kill -KILL "$p" 2>/dev/null || true
    done
    local left
    left=$(our_job_pids | tr '\n' ' ')
    if [[ -n ${left// /} ]]; then
        log "killing leftover job processes: $left"
        # shellcheck disable=SC2086
        kill -TERM $left 2>/dev/null || true
        sleep 1
        left=$(our_job_pids | tr '\n' ' ')
        # shellcheck disable=SC2086
        [[ -z ${left// /} ]] || kill -KILL $left 2>/dev/null || true
    fi
    stop_pid slurmctld "$CTLD_PID"
    stop_pid munged "$MUNGE_PID"
    rm -f "$MUNGE_SOCKET" "$MUNGE_SOCKET.lock"
    unlink_default_conf
    log "cluster stopped (state kept in $STATE_DIR)"
}

status_cluster() {
    local ok=0 name f
    for name in munged slurmctld slurmd; do
        case $name in
            munged) f=$MUNGE_PID ;;
            slurmctld) f=$CTLD_PID ;;
            slurmd) f=$SLURMD_PID ;;
        esac
        if pid_of "$f" >/dev/null; then
            log "$name running (pid $(pid_of "$f"))"
        else
            log "$name NOT running"
            ok=1
        fi
    done
    if [[ $ok -eq 0 ]]; then
        echo "export SLURM_CONF=$CONF"
        sinfo -N -l || ok=1
        squeue --states=all -o '%.10i %.9P %.30j %.8u %.10T %.10M %.6D %R' || ok=1
    fi
    return $ok
}

case "$CMD" in
    start) start_cluster ;;
    stop) stop_cluster ;;
    status) status_cluster ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
esac
