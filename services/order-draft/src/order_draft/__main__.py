from order_draft.cli import main

main()
