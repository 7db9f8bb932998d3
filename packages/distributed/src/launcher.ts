// What the launcher says the job's size is. mpirun of one MPI library starting processes whose addon was
// built against another (Open MPI's mpirun, MPICH's library, say) gives every process a job of its own:
// each would train alone, as rank 0 of 1, without a word. The launchers put the size in the environment.

/** Variables that launchers set to the number of processes: Open MPI, MPICH/Intel MPI/Slurm PMI, MVAPICH2. */
const SIZE_VARIABLES = ['OMPI_COMM_WORLD_SIZE', 'PMI_SIZE', 'MV2_COMM_WORLD_SIZE'] as const;

/** The first launcher variable whose size differs from the job's that MPI reports, or null. */
export function launcherDisagrees(worldSize: number): { variable: string; size: number } | null {
  for (const variable of SIZE_VARIABLES) {
    const text = process.env[variable];
    if (text === undefined || !/^\d+$/.test(text)) continue;
    const size = Number(text);
    if (size !== worldSize) return { variable, size };
  }
  return null;
}
