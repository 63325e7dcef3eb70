#!/usr/bin/env bash
# A private single-node Slurm on this machine, for testing the job-array sweep
# (docs/sweeps.md) without a cluster: its own munged, slurmctld and slurmd, all
# state, logs, sockets and the key under DIR, on localhost ports; nothing in
# /etc is read or changed.
#
#   scripts/slurm-local.sh start DIR   # prints the SLURM_CONF to export; waits until the node is idle
#   scripts/slurm-local.sh stop DIR    # stops the three daemons started in DIR
#
# Needs root (slurmd launches the jobs) and Debian's slurm-wlm (slurmctld, slurmd,
# munge). PORT (default 16817) is slurmctld's port; slurmd takes PORT+1.
# Exits 69 (EX_UNAVAILABLE) with one line when Slurm is missing or cannot start.
set -euo pipefail
usage() { echo "usage: scripts/slurm-local.sh start|stop DIR" >&2; exit 64; }
[ $# -eq 2 ] || usage
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)
unavailable() { echo "slurm-local: $*" >&2; exit 69; }

stop() {
    for daemon in slurmd slurmctld munge/munged; do
        pidfile="$dir/$daemon.pid"
        [ -s "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        rm -f "$pidfile"
    done
}

start() {
    [ "$(id -u)" -eq 0 ] || unavailable "needs root (slurmd runs the jobs)"
    for tool in munged munge slurmctld slurmd sbatch sinfo; do
        command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
            unavailable "$tool is not installed (apt-get install slurm-wlm)"
    done
    PATH=$PATH:/usr/sbin
    local port=${PORT:-16817} node
    node=$(hostname -s)
    # munged wants its socket's directory open to all and its key private.
    mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
    chmod 755 "$dir" "$dir/munge"
    [ -s "$dir/munge/munge.key" ] || { head -c 1024 /dev/urandom > "$dir/munge/munge.key"; chmod 400 "$dir/munge/munge.key"; }
    munged --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
        --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
        --seed-file="$dir/munge/munged.seed" || unavailable "munged did not start ($dir/munge/munged.log)"
    cat > "$dir/slurm.conf" <<CONF
# Written by scripts/slurm-local.sh: one node, this machine, everything under $dir.
ClusterName=bnnlocal
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF=$dir/slurm.conf
    slurmctld -c -i || { stop; unavailable "slurmctld did not start ($dir/log/slurmctld.log)"; }
    slurmd -c -N "$node" || { stop; unavailable "slurmd did not start ($dir/log/slurmd.log)"; }
    for _ in $(seq 100); do
        if [ "$(sinfo -h -o %T 2>/dev/null)" = idle ]; then
            echo "export SLURM_CONF=$dir/slurm.conf"
            return 0
        fi
        sleep 0.2
    done
    stop
    unavailable "the node did not come up within 20 s ($dir/log/slurmctld.log, $dir/log/slurmd.log)"
}

case $action in
    start) start ;;
    stop) stop ;;
    *) usage ;;
esac
