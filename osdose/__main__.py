from osdose.cli import main

main()
