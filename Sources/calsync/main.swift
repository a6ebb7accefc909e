import CalsyncCLI

await Calsync.entryPoint()
